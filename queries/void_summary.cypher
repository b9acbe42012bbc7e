// title: VoID summary of the build
// description: The VoID/DCAT description of the graph as item/value rows: triples, entities, URI space, creation and modification time, source inputs, entities per class and links per link predicate (values as strings). Ties: value.
// columns: item, value
// The property graph has no VoID description: this twin gives the rows it can ("class X" entities per class and
// "linkset p" links per relation predicate), which equal the .rq's rows of the same items.
MATCH (n:Paper:Model:Method:Dataset:Metric:Task:Result:Repository) RETURN "class " + label(n) AS item, CAST(count(n) AS STRING) AS value
UNION ALL
MATCH ()-[r:PROPOSES|EVALUATES_ON|USES|ADDRESSES|REPORTS|EVALUATED_ON|OUTPERFORMS|COMPARED_WITH|USED_FOR|VARIANT_OF|CO_MENTIONED|HAS_CODE]->()
WITH label(r) AS t, count(r) AS n
RETURN "linkset " + CASE t WHEN "PROPOSES" THEN "proposes" WHEN "EVALUATES_ON" THEN "evaluatesOn" WHEN "USES" THEN "uses"
  WHEN "ADDRESSES" THEN "addresses" WHEN "REPORTS" THEN "reports" WHEN "EVALUATED_ON" THEN "evaluatedOn"
  WHEN "OUTPERFORMS" THEN "outperforms" WHEN "COMPARED_WITH" THEN "comparedWith" WHEN "USED_FOR" THEN "usedFor"
  WHEN "VARIANT_OF" THEN "variantOf" WHEN "CO_MENTIONED" THEN "coMentioned" WHEN "HAS_CODE" THEN "hasCode" ELSE t END
  AS item, CAST(n AS STRING) AS value
