// LadybugDB (Kuzu-lineage) schema of the kg property graph.
// Generated from kg/cypher/schema.py (the single source); a test checks this file matches it.
// Documented in schemas/cypher/README.md.

CREATE NODE TABLE Paper(
    id STRING,
    title STRING,
    abstract STRING,
    text STRING,
    year INT64,
    date STRING,
    authors STRING[],
    url STRING,
    doi STRING,
    arxiv_id STRING,
    s2_id STRING,
    openalex_id STRING,
    categories STRING[],
    links STRING[],
    sources STRING[],
    mention_count INT64,
    keys STRING[],
    PRIMARY KEY (id)
);

CREATE NODE TABLE Model(
    id STRING,
    name STRING,
    aliases STRING[],
    mentions INT64,
    paper_count INT64,
    merges STRING,
    keys STRING[],
    names STRING[],
    rank INT64,
    PRIMARY KEY (id)
);

CREATE NODE TABLE Dataset(
    id STRING,
    name STRING,
    aliases STRING[],
    mentions INT64,
    paper_count INT64,
    merges STRING,
    keys STRING[],
    names STRING[],
    rank INT64,
    PRIMARY KEY (id)
);

CREATE NODE TABLE Method(
    id STRING,
    name STRING,
    aliases STRING[],
    mentions INT64,
    paper_count INT64,
    merges STRING,
    keys STRING[],
    names STRING[],
    rank INT64,
    PRIMARY KEY (id)
);

CREATE NODE TABLE Metric(
    id STRING,
    name STRING,
    aliases STRING[],
    mentions INT64,
    paper_count INT64,
    merges STRING,
    keys STRING[],
    names STRING[],
    rank INT64,
    PRIMARY KEY (id)
);

CREATE NODE TABLE Task(
    id STRING,
    name STRING,
    aliases STRING[],
    mentions INT64,
    paper_count INT64,
    merges STRING,
    keys STRING[],
    names STRING[],
    rank INT64,
    PRIMARY KEY (id)
);

CREATE NODE TABLE Result(
    id STRING,
    paper STRING,
    model STRING,
    dataset STRING,
    metric STRING,
    task STRING,
    value DOUBLE,
    unit STRING,
    value_text STRING,
    surface STRING,
    sentence STRING,
    evidence_count INT64,
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    PRIMARY KEY (id)
);

CREATE NODE TABLE Repository(
    id STRING,
    url STRING,
    host STRING,
    kind STRING,
    paper_count INT64,
    papers STRING[],
    keys STRING[],
    PRIMARY KEY (id)
);

CREATE NODE TABLE EvidenceRow(
    id INT64,
    subject STRING,
    predicate STRING,
    object STRING,
    paper STRING,
    field STRING,
    start_offset INT64,
    end_offset INT64,
    sentence STRING,
    extractor STRING,
    confidence DOUBLE,
    PRIMARY KEY (id)
);

CREATE REL TABLE PROPOSES(
    FROM Paper TO Model,
    FROM Paper TO Method,
    FROM Paper TO Dataset,
    FROM Paper TO Metric,
    FROM Paper TO Task,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE EVALUATES_ON(
    FROM Paper TO Dataset,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE USES(
    FROM Paper TO Model,
    FROM Paper TO Method,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE ADDRESSES(
    FROM Paper TO Task,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE REPORTS(
    FROM Paper TO Metric,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE EVALUATED_ON(
    FROM Model TO Dataset,
    FROM Method TO Dataset,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE OUTPERFORMS(
    FROM Model TO Model,
    FROM Model TO Method,
    FROM Method TO Model,
    FROM Method TO Method,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE COMPARED_WITH(
    FROM Model TO Model,
    FROM Model TO Method,
    FROM Method TO Model,
    FROM Method TO Method,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE USED_FOR(
    FROM Method TO Task,
    FROM Model TO Task,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE VARIANT_OF(
    FROM Model TO Model,
    FROM Model TO Method,
    FROM Model TO Dataset,
    FROM Model TO Metric,
    FROM Model TO Task,
    FROM Method TO Model,
    FROM Method TO Method,
    FROM Method TO Dataset,
    FROM Method TO Metric,
    FROM Method TO Task,
    FROM Dataset TO Model,
    FROM Dataset TO Method,
    FROM Dataset TO Dataset,
    FROM Dataset TO Metric,
    FROM Dataset TO Task,
    FROM Metric TO Model,
    FROM Metric TO Method,
    FROM Metric TO Dataset,
    FROM Metric TO Metric,
    FROM Metric TO Task,
    FROM Task TO Model,
    FROM Task TO Method,
    FROM Task TO Dataset,
    FROM Task TO Metric,
    FROM Task TO Task,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE CO_MENTIONED(
    FROM Model TO Model,
    FROM Model TO Dataset,
    FROM Model TO Method,
    FROM Model TO Metric,
    FROM Model TO Task,
    FROM Dataset TO Model,
    FROM Dataset TO Dataset,
    FROM Dataset TO Method,
    FROM Dataset TO Metric,
    FROM Dataset TO Task,
    FROM Method TO Model,
    FROM Method TO Dataset,
    FROM Method TO Method,
    FROM Method TO Metric,
    FROM Method TO Task,
    FROM Metric TO Model,
    FROM Metric TO Dataset,
    FROM Metric TO Method,
    FROM Metric TO Metric,
    FROM Metric TO Task,
    FROM Task TO Model,
    FROM Task TO Dataset,
    FROM Task TO Method,
    FROM Task TO Metric,
    FROM Task TO Task,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE HAS_CODE(
    FROM Paper TO Repository,
    id STRING,
    evidence_count INT64,
    confidence DOUBLE,
    support INT64,
    papers STRING[],
    sentences STRING[],
    extractors STRING[],
    evidence STRUCT(paper STRING, field STRING, start_offset INT64, end_offset INT64, sentence STRING, extractor STRING, confidence DOUBLE)[],
    evidence_ranks INT64[]
);

CREATE REL TABLE MENTIONS(
    FROM Paper TO Model,
    FROM Paper TO Dataset,
    FROM Paper TO Method,
    FROM Paper TO Metric,
    FROM Paper TO Task,
    count INT64,
    surfaces STRING[]
);

CREATE REL TABLE HAS_RESULT(
    FROM Paper TO Result
);

CREATE REL TABLE OF_MODEL(
    FROM Result TO Model,
    FROM Result TO Method
);

CREATE REL TABLE ON_DATASET(
    FROM Result TO Dataset
);

CREATE REL TABLE MEASURES(
    FROM Result TO Metric
);

CREATE REL TABLE FOR_TASK(
    FROM Result TO Task
);

CREATE REL TABLE AGG_METHOD_TASK(
    FROM Method TO Task,
    papers INT64
);

CREATE REL TABLE AGG_METRIC_TASK(
    FROM Metric TO Task,
    papers INT64
);

CREATE REL TABLE AGG_MODEL_DATASET(
    FROM Model TO Dataset,
    papers INT64
);

CREATE REL TABLE AGG_PAPER_CODE(
    FROM Paper TO Repository,
    rank INT64
);

CREATE REL TABLE AGG_LEADERBOARD(
    FROM Result TO Dataset,
    rank INT64,
    model STRING,
    dataset_name STRING,
    metric_name STRING,
    value DOUBLE,
    unit STRING,
    paper STRING,
    dataset_keys STRING[],
    metric_keys STRING[]
);

CREATE REL TABLE AGG_NEIGHBOURHOOD(
    FROM Model TO Dataset,
    FROM Method TO Dataset,
    FROM Model TO Model,
    FROM Model TO Method,
    FROM Method TO Model,
    FROM Method TO Method,
    FROM Method TO Task,
    FROM Model TO Task,
    FROM Model TO Metric,
    FROM Method TO Metric,
    FROM Model TO Paper,
    FROM Method TO Paper,
    rank INT64,
    direction STRING,
    relation_type STRING,
    neighbour STRING,
    neighbour_type STRING,
    support INT64
);
