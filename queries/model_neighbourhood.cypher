// title: A model's neighbourhood
// description: Every statement a model or method (matched by any alias or its id, case-insensitive) takes part in: direction (out = it is the source), relation type, the node at the other end (entity name, paper title or repository URL) and its type, and the statement's support. Ties: neighbour id, the model's id.
// param: model = "BERT"  (model or method name, alias or id)
// columns: direction, relation_type, neighbour, neighbour_type, support
// the hints make the engine find the model first and expand only its statements
MATCH (m:Model:Method)-[s:PROPOSES|EVALUATES_ON|USES|ADDRESSES|REPORTS|EVALUATED_ON|OUTPERFORMS|COMPARED_WITH|USED_FOR|VARIANT_OF|CO_MENTIONED|HAS_CODE]->(n)
WHERE list_contains(m.keys, lower($model))
HINT n JOIN (s JOIN m)
RETURN "out" AS direction, label(s) AS relation_type, coalesce(n.name, n.title, n.url) AS neighbour,
       label(n) AS neighbour_type, s.support AS support
UNION ALL
MATCH (m:Model:Method)<-[s:PROPOSES|EVALUATES_ON|USES|ADDRESSES|REPORTS|EVALUATED_ON|OUTPERFORMS|COMPARED_WITH|USED_FOR|VARIANT_OF|CO_MENTIONED|HAS_CODE]-(n)
WHERE list_contains(m.keys, lower($model))
HINT n JOIN (s JOIN m)
RETURN "in" AS direction, label(s) AS relation_type, coalesce(n.name, n.title, n.url) AS neighbour,
       label(n) AS neighbour_type, s.support AS support
