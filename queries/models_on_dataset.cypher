// title: Models evaluated on a dataset
// description: Models and methods with an EVALUATED_ON statement to the dataset (matched by any alias, case-insensitive), with the number of papers supporting it. Ties: model name, dataset name, model id, dataset id.
// param: dataset = "ImageNet"  (dataset name or alias; "" means any dataset)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: model, type, dataset_name, support
MATCH (m:Model:Method)-[s:EVALUATED_ON]->(d:Dataset)
WHERE $dataset = "" OR list_contains(d.keys, lower($dataset))
RETURN m.name AS model, label(m) AS type, d.name AS dataset_name, s.support AS support
ORDER BY support DESC, model, dataset_name, m.id, d.id
SKIP $offset LIMIT $limit
