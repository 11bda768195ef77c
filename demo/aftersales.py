"Demo data of qms_aftersales (extended by its issue)"


def load(config):
    pass
