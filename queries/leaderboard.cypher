// title: Results leaderboard
// description: Reported results (model on dataset, metric = value) for a dataset and a metric (each matched by any alias, case-insensitive), best value first. Only results naming a model, a dataset, a metric and a numeric value. Ties: model name, paper id, result id.
// param: dataset = ""  (dataset name or alias; "" means any dataset)
// param: metric = ""  (metric name or alias; "" means any metric)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: model, dataset_name, metric_name, value, unit, paper
// the hint joins each result to its dataset and metric first (filtered there), then to its model and paper: the
// engine's own plan scanned HAS_RESULT from every paper and was 5x slower
MATCH (p:Paper)-[h:HAS_RESULT]->(r:Result)-[o:OF_MODEL]->(m:Model:Method),
      (r)-[od:ON_DATASET]->(d:Dataset), (r)-[ms:MEASURES]->(me:Metric)
WHERE r.value IS NOT NULL
  AND ($dataset = "" OR list_contains(d.keys, lower($dataset)))
  AND ($metric = "" OR list_contains(me.keys, lower($metric)))
HINT (((((r JOIN od) JOIN d) JOIN (ms JOIN me)) JOIN (o JOIN m)) JOIN (h JOIN p))
RETURN m.name AS model, d.name AS dataset_name, me.name AS metric_name, r.value AS value,
       CASE WHEN r.unit = "" THEN NULL ELSE r.unit END AS unit, p.id AS paper
ORDER BY dataset_name, metric_name, value DESC, model, paper, r.id
SKIP $offset LIMIT $limit
