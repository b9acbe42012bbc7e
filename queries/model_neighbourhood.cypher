// title: A model's neighbourhood
// description: Every statement a model or method (matched by any alias or its id, case-insensitive) takes part in: direction (out = it is the source), relation type, the node at the other end (entity name, paper title or repository URL) and its type, and the statement's support. Ties: neighbour id, the model's id.
// param: model = "BERT"  (model or method name, alias or id)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: direction, relation_type, neighbour, neighbour_type, support
// one undirected match: the direction is whether the statement starts at the model (its internal _SRC id);
// the hint makes the engine find the model first and expand only its statements
MATCH (m:Model:Method)-[s:PROPOSES|EVALUATES_ON|USES|ADDRESSES|REPORTS|EVALUATED_ON|OUTPERFORMS|COMPARED_WITH|USED_FOR|VARIANT_OF|CO_MENTIONED|HAS_CODE]-(n)
WHERE list_contains(m.keys, lower($model))
HINT n JOIN (s JOIN m)
RETURN CASE WHEN struct_extract(s, "_SRC") = id(m) THEN "out" ELSE "in" END AS direction, label(s) AS relation_type,
       coalesce(n.name, n.title, n.url) AS neighbour, label(n) AS neighbour_type, s.support AS support
ORDER BY direction, relation_type, neighbour, n.id, m.id
SKIP $offset LIMIT $limit
