"Demo data of qms_trace (extended by its issue)"


def load(config):
    pass
