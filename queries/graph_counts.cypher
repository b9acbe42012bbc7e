// title: Graph counts
// description: Papers, entities per type, relations per type, results, repositories and mentions, to check that stores agree with the graph model (types with no node are absent). Ties: kind, type.
// columns: kind, type, count
MATCH (p:Paper) RETURN "papers" AS kind, "Paper" AS type, count(p) AS count
UNION ALL
MATCH (e:Model:Method:Dataset:Metric:Task) RETURN "entities" AS kind, label(e) AS type, count(e) AS count
UNION ALL
MATCH ()-[r:PROPOSES|EVALUATES_ON|USES|ADDRESSES|REPORTS|EVALUATED_ON|OUTPERFORMS|COMPARED_WITH|USED_FOR|VARIANT_OF|CO_MENTIONED|HAS_CODE]->()
RETURN "relations" AS kind, label(r) AS type, count(r) AS count
UNION ALL
MATCH (r:Result) RETURN "results" AS kind, "Result" AS type, count(r) AS count
UNION ALL
MATCH (r:Repository) RETURN "repositories" AS kind, "Repository" AS type, count(r) AS count
UNION ALL
MATCH (p:Paper) RETURN "mentions" AS kind, "Mention" AS type, CAST(coalesce(sum(p.mention_count), 0) AS INT64) AS count
