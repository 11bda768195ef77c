"Small helpers shared by the demo steps"
from proteus import Model


def get_or_create(model, key, **values):
    """Return the record of model matching key (a dict of field values),
    creating it with key and values when there is none."""
    Model_ = Model.get(model)
    domain = [(k, '=', getattr(v, 'id', v)) for k, v in key.items()]
    records = Model_.find(domain, limit=1)
    if records:
        return records[0]
    record = Model_(**key)
    for name, value in values.items():
        setattr(record, name, value)
    record.save()
    return record


def xml_id(reference):
    "Return the database id of module.fs_id"
    ModelData = Model.get('ir.model.data')
    return ModelData.get_id(reference, {})


def ref(model, reference):
    return Model.get(model)(xml_id(reference))
