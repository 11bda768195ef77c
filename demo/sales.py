"Demo data of qms_sales (extended by its issue)"


def load(config):
    pass
