// title: A model's neighbourhood
// description: Every statement a model or method (matched by any alias or its id, case-insensitive) takes part in: direction (out = it is the source), relation type, the node at the other end (entity name, paper title or repository URL) and its type, and the statement's support. Ties: neighbour id, the model's id.
// param: model = "BERT"  (model or method name, alias or id)
// columns: direction, relation_type, neighbour, neighbour_type, support
// the model is found first (WITH m), so only its relationships are expanded
MATCH (m:Model:Method)
WHERE (lower(m.name) = lower($model) OR lower(m.id) = lower($model) OR list_contains(list_transform(m.aliases, a -> lower(a)), lower($model)))
WITH m
MATCH (m)-[s]->(n)
WHERE s.id IS NOT NULL
RETURN "out" AS direction, label(s) AS relation_type, coalesce(n.name, n.title, n.url) AS neighbour,
       label(n) AS neighbour_type, s.support AS support
UNION ALL
MATCH (m:Model:Method)
WHERE (lower(m.name) = lower($model) OR lower(m.id) = lower($model) OR list_contains(list_transform(m.aliases, a -> lower(a)), lower($model)))
WITH m
MATCH (m)<-[s]-(n)
WHERE s.id IS NOT NULL
RETURN "in" AS direction, label(s) AS relation_type, coalesce(n.name, n.title, n.url) AS neighbour,
       label(n) AS neighbour_type, s.support AS support
