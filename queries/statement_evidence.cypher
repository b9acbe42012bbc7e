// title: Evidence for a statement
// description: Which papers support a statement (source, relation type, target; names match any alias, the id, a paper title or a repository URL, case-insensitive): one row per evidence span with the sentence, its offsets, the extractor and its confidence. Ties: paper id, begin, end, extractor, statement id.
// param: source = ""  (source name, alias or id; "" means any)
// param: relation = ""  (relation type such as EVALUATES_ON or PROPOSES; "" means any)
// param: target = "ImageNet"  (target name, alias or id; "" means any)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: subject, predicate, object, paper, field, begin, end, sentence, extractor, confidence
// the hint makes the engine find the target first and expand only its incoming statements (its own plan hashes
// every relationship first)
MATCH (s)-[st:PROPOSES|EVALUATES_ON|USES|ADDRESSES|REPORTS|EVALUATED_ON|OUTPERFORMS|COMPARED_WITH|USED_FOR|VARIANT_OF|CO_MENTIONED|HAS_CODE]->(o)
WHERE ($target = "" OR list_contains(o.keys, lower($target)))
  AND ($relation = "" OR lower(label(st)) = lower($relation))
  AND ($source = "" OR list_contains(s.keys, lower($source)))
HINT s JOIN (st JOIN o)
UNWIND st.evidence AS ev
RETURN coalesce(s.name, s.title, s.url) AS subject, label(st) AS predicate, coalesce(o.name, o.title, o.url) AS object,
       ev.paper AS paper, ev.field AS field, ev.start_offset AS `begin`, ev.end_offset AS `end`, ev.sentence AS sentence,
       ev.extractor AS extractor, ev.confidence AS confidence
ORDER BY subject, predicate, object, paper, `begin`, `end`, extractor, st.id
SKIP $offset LIMIT $limit
