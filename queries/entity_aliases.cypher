// title: Entities with their aliases
// description: Every entity with each of its names (the preferred name and every alias, one row each), optionally only entities of one type and/or named (any alias or the id, case-insensitive) by a given name. Ties: id, alias.
// param: name = ""  (entity name, alias or id; "" means any entity)
// param: entity_type = ""  (Model, Method, Dataset, Metric or Task; "" means any type)
// columns: id, type, label, alias
MATCH (e:Model:Method:Dataset:Metric:Task)
WHERE ($entity_type = "" OR lower(label(e)) = lower($entity_type))
  AND ($name = "" OR (lower(e.name) = lower($name) OR lower(e.id) = lower($name) OR list_contains(list_transform(e.aliases, a -> lower(a)), lower($name))))
WITH e, list_distinct(e.aliases) AS al
// i = 0 is the preferred name, 1..n the distinct aliases (lists are 1-based); an alias equal to the name is
// not a second row (the RDF face has no altLabel equal to the prefLabel)
UNWIND range(0, size(al)) AS i
WITH e, i, list_concat([e.name], al)[i + 1] AS alias
WHERE i = 0 OR alias <> e.name
RETURN e.id AS id, label(e) AS type, e.name AS label, alias
ORDER BY type, label, id, alias
