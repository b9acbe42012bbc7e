// title: Papers proposing models
// description: Papers with a PROPOSES statement, and what they propose, restricted to one entity type (Model by default). Ties: paper id, entity name, entity id.
// param: entity_type = "Model"  (Model, Method, Dataset, Metric or Task; "" means any type)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: paper, title, name, type
MATCH (p:Paper)-[:PROPOSES]->(e:Model:Method:Dataset:Metric:Task)
WHERE $entity_type = "" OR lower(label(e)) = lower($entity_type)
RETURN p.id AS paper, coalesce(p.title, "") AS title, e.name AS name, label(e) AS type
ORDER BY paper, name, e.id
SKIP $offset LIMIT $limit
