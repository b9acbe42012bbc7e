// title: Evidence for a statement
// description: Which papers support a statement (source, relation type, target; names match any alias, the id, a paper title or a repository URL, case-insensitive): one row per evidence span with the sentence, its offsets, the extractor and its confidence. Ties: paper id, begin, end, extractor, statement id.
// param: source = ""  (source name, alias or id; "" means any)
// param: relation = ""  (relation type such as EVALUATES_ON or PROPOSES; "" means any)
// param: target = "ImageNet"  (target name, alias or id; "" means any)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: subject, predicate, object, paper, field, begin, end, sentence, extractor, confidence
// This query's rows (one per statement and evidence record) are EvidenceRow nodes, ranked in its order over the whole
// graph when the store is loaded, and each statement lists the ranks of its own (evidence_ranks; kg/cypher/
// aggregates.py): a page is a top-k on one integer, then one primary-key lookup per row, instead of unwinding and
// sorting every evidence record of the matched statements (179 ms for ImageNet's 113k on the 100k graph). The hint
// makes the engine find the target first and expand only its incoming statements.
MATCH (s)-[st:PROPOSES|EVALUATES_ON|USES|ADDRESSES|REPORTS|EVALUATED_ON|OUTPERFORMS|COMPARED_WITH|USED_FOR|VARIANT_OF|CO_MENTIONED|HAS_CODE]->(o)
WHERE ($target = "" OR list_contains(o.keys, lower($target)))
  AND ($relation = "" OR lower(label(st)) = lower($relation))
  AND ($source = "" OR list_contains(s.keys, lower($source)))
HINT s JOIN (st JOIN o)
UNWIND st.evidence_ranks AS r
WITH r
ORDER BY r
SKIP $offset LIMIT $limit
MATCH (e:EvidenceRow {id: r})
RETURN e.subject AS subject, e.predicate AS predicate, e.object AS object, e.paper AS paper, e.field AS field,
       e.start_offset AS `begin`, e.end_offset AS `end`, e.sentence AS sentence, e.extractor AS extractor,
       e.confidence AS confidence
ORDER BY r
