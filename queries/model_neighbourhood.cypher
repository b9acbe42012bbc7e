// title: A model's neighbourhood
// description: Every statement a model or method (matched by any alias or its id, case-insensitive) takes part in: direction (out = it is the source), relation type, the node at the other end (entity name, paper title or repository URL) and its type, and the statement's support. Ties: neighbour id, the model's id.
// param: model = "BERT"  (model or method name, alias or id)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: direction, relation_type, neighbour, neighbour_type, support
// AGG_NEIGHBOURHOOD holds this query's rows (one per model or method and statement it is an end of, from it to the
// other end), the columns copied on and ranked in its order over the whole graph when the store is loaded
// (kg/cypher/aggregates.py): a page is a top-k on one integer instead of a sort on three strings of every statement
// of the entity (141 ms for BERT's 19k on the 100k graph)
MATCH (m:Model:Method)-[a:AGG_NEIGHBOURHOOD]->()
WHERE list_contains(m.keys, lower($model))
RETURN a.direction AS direction, a.relation_type AS relation_type, a.neighbour AS neighbour,
       a.neighbour_type AS neighbour_type, a.support AS support
ORDER BY a.rank
SKIP $offset LIMIT $limit
