// title: Entities with their aliases
// description: Every entity with each of its names (the preferred name and every alias, one row each), optionally only entities of one type and/or named (any alias or the id, case-insensitive) by a given name. Ties: id, alias.
// param: name = ""  (entity name, alias or id; "" means any entity)
// param: entity_type = ""  (Model, Method, Dataset, Metric or Task; "" means any type)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: id, type, label, alias
// e.rank is the entity's position in (type, name, id) order, precomputed at load
// names = [name] + the distinct aliases other than the name (the RDF face has no altLabel equal to the prefLabel)
MATCH (e:Model:Method:Dataset:Metric:Task)
WHERE ($entity_type = "" OR lower(label(e)) = lower($entity_type))
  AND ($name = "" OR list_contains(e.keys, lower($name)))
UNWIND e.names AS alias
RETURN e.id AS id, label(e) AS type, e.name AS label, alias
ORDER BY e.rank, alias
SKIP $offset LIMIT $limit
