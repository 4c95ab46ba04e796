/** The words `lamini --help` and `lamini COMMAND --help` print. */
import { OBSERVABILITY_HELP } from './args.ts';
import { STUDENT_HELP } from './help-student.ts';

export const VERSION = '0.1.0';

const COMMON = `Common options:
  --data-dir DIR     where the corpus, seeds and caches live (default ./lamini-data; env LAMINI_DATA_DIR)
  --config FILE      a config file (default: lamini.config.json / .yaml in the current directory)
  -h, --help         this help`;

export const HELP: Record<string, string> = {
  eval: `Usage: lamini eval --checkpoint DIR --tasks FILE... [--json] [--no-wrapper] [--limit N] [options]
       lamini eval convert --format NAME IN OUT [--labels FILE]

Scores a student (GPT-2 or T5 family) zero-shot on task files (JSON Lines, docs/evaluation.md):
  multiple choice  {"context", "choices", "gold"}: the log-likelihood of each choice after the context; acc
                   (the most likely choice is gold) and acc_norm (log-likelihood divided by the choice's length
                   in characters), with standard errors, exactly as lm-evaluation-harness computes them
  partial choice   {"contexts", "continuation", "gold"}: one continuation after each context (WinoGrande)
  generation       {"prompt", "reference"}: a greedy answer; exact match, token F1 and ROUGE-L
and on the corpus's held-out split (the ids the trainer never trains on): loss per token and perplexity.
Prints a table (or --json), and appends one row per task and metric under <data-dir>/results/, which
"lamini query" reads as the view results (checkpoint, corpus_seq, task, metric, value, stderr, n, ...).

Options:
  --checkpoint DIR      a checkpoint folder, a folder of them (the latest is used), or a Hugging Face GPT-2 or
                        T5 folder with config.json, model.safetensors and tokenizer.json
  --tasks FILE...       task files or folders of them (*.jsonl); repeat the flag, list several after it, or
                        separate with commas
  --no-wrapper          send contexts and prompts as they are (as the harness does), not inside the Alpaca
                        prompt the student was trained with
  --target-delimiter S  text between a context and each choice (default " " raw, "" with the wrapper, whose
                        prompt ends with "### Response:" and a newline)
  --limit N             only the first N items of each task
  --max-new-tokens N    longest generated answer (default 64)
  --heldout N           held-out rows to score (default 100; 0: none); the split is the one in the
                        checkpoint's trainer_state.json, else the current corpus at 1%
  --no-record           do not append to the results store
  --samples FILE        write each item's scores as JSON Lines (task, id, gold, lls, pred, predNorm, acc,
                        accNorm; or prediction, exactMatch, f1, rougeL), like the harness's --log_samples
  --backend NAME        as for train (default auto)
  --threads N           native TensorFlow threads (default: its own choice)
  --json                print the whole report as one JSON object

convert reads a public file (JSON Lines, a JSON array, or Parquet) in the named layout and writes a task file
with the harness's prompt for that task; records without a gold answer (test splits) are left out and counted.
  --format NAME         sciq, arc, openbookqa, piqa, hellaswag, winogrande, boolq, wic, wsc, glue-cola,
                        glue-sst2, glue-mrpc, glue-qqp, glue-mnli, glue-qnli, glue-rte, glue-wnli
  --labels FILE         PIQA's original release: its labels file (one 0/1 per line)

${COMMON}`,

  main: `lamini — grow an instruction-distillation corpus (after LaMini-LM) and query it

Usage: lamini COMMAND [options]

Commands:
  run                 generate, dedup and answer instructions until --target examples are committed
  seed import FILE    add seed instructions from JSONL, JSON, CSV or Parquet
  query "SQL"         read-only SQL over the corpus (views: examples, dead_letters, dropped, teacher_requests, results)
  stats               counts by source and mode, drops, dead letters, tokens, cost; lag per operator
  report              one self-contained HTML page of charts: mix, lengths, drops, dead letters, teacher
                      spend, diversity, loss curves, evaluation results (--out report.html)
  teacher serve       serve the local teacher model on an OpenAI-compatible endpoint
  serve               serve a student on an OpenAI-compatible endpoint (completions with logprobs and echo
                      for lm-evaluation-harness, chat with streaming)
  rate                rate students' answers to instructions A-D in a local web page; ratings go to results
  dedup --input FILE  drop near-duplicate texts from a JSONL file (MinHash LSH, keep-first)
  operator NAME       run one operator (planner, generate, dedup, respond, sink) in its Kafka consumer group
  topics create       create the pipeline's Kafka topics
  dlq replay          redo dead letters after a fix (e.g. the teacher was down), counted; dlq list: by reason
  train               train a GPT-2-style student on the corpus; checkpoints are Hugging Face folders
  ask "INSTRUCTION"   answer an instruction with a trained student
  eval                score a student: multiple choice by log-likelihood (acc, acc_norm as lm-evaluation-
                      harness), generation (exact match, F1, ROUGE-L), held-out loss; results to "results"
  eval convert        SciQ, ARC, OpenBookQA, PIQA, HellaSwag, WinoGrande, BoolQ, WiC, WSC, GLUE to task files
  config print        the effective configuration: every key, its value and where it came from (default,
                      file, env, flag); API keys and the registry password masked; --json
  config check FILE   validate a config file (with the environment) without running anything; exit 2 and
                      every problem with its path when it is not valid

Run "lamini COMMAND --help" for a command's options.

${COMMON}
  --version          print the version`,

  run: `Usage: lamini run [--target N] [options]

Runs every stage — planner, generate, dedup, respond, sink — until N new examples are committed to the
corpus, then finishes the tasks in flight and stops. Running it again continues the same corpus: done tasks
are skipped and nothing committed is written twice.

Options:
  --target N            examples to add in this run (default 100)
  --transport NAME      embedded (default; one process, nothing to install) or kafka (topics on a broker)
  --brokers HOST:PORT   Kafka bootstrap brokers, comma-separated (env LAMINI_BROKERS; config "brokers")
  --instances N         kafka: members of the generate and respond groups in this process (default 1)
  --topic-prefix PREFIX kafka: topics and consumer groups are <PREFIX><name> (default lamini.; env
                        LAMINI_TOPIC_PREFIX; config kafka.topicPrefix), so pipelines can share a cluster
  --wire-format NAME    kafka: single-object (default; Avro single-object encoding) or confluent (magic 0 +
                        schema id, ids from a schema registry; env LAMINI_WIRE_FORMAT)
  --schema-registry URL kafka, confluent: the schema registry (env LAMINI_SCHEMA_REGISTRY_URL); basic auth
                        from kafka.schemaRegistryUser and LAMINI_SCHEMA_REGISTRY_PASSWORD, never from a flag
  --teacher-url URL     an OpenAI-compatible base URL (env OPENAI_BASE_URL); none: the local teacher
  --model NAME          teacher model (env LAMINI_TEACHER_MODEL)
  --instruction-teacher-url URL, --instruction-model NAME
  --response-teacher-url URL, --response-model NAME
                        a second teacher for one kind of call (config teacher.instruction / teacher.response,
                        which also take apiKeyEnv, temperature, maxTokens, concurrency, rpm, tpm, prices)
  --concurrency N       teacher calls in flight per stage (env LAMINI_TEACHER_CONCURRENCY)
  --run-seed N          seed of the task plan (a corpus keeps the one it started with)
  --stall-timeout SEC   stop with a message when no example is made for this long (default 300)
  --max-cost USD        stop planning before this run's teacher spend (from the ledger) could pass USD,
                        finish the tasks in flight and stop cleanly
  --teacher-mode MODE   online (default) or batch: the OpenAI Batch API at half price; submitted batches
                        are remembered under <data-dir>/cache/teacher/batches and resumed after a crash
  --no-default-seeds    use only imported seeds, not the ones shipped with lamini
  --quiet               no progress output
${OBSERVABILITY_HELP}
The API key comes from OPENAI_API_KEY or the config file, never from a flag.

${COMMON}`,

  operator: `Usage: lamini operator NAME --brokers HOST:PORT [options]

Runs one operator as a member of its consumer group (<prefix><NAME>) on Kafka until stopped, or with
--until-drained until the planner has finished and its input is drained. SIGTERM is a graceful stop: what
is done is committed and the exit code is 0 (Ctrl-C: 130). The planner exits 0 by itself once --target
examples were made (or --max-cost stops it) and every task it planned is done.
NAME: planner, generate, dedup, respond or sink. Start N processes of generate or respond to share their
topic's partitions; run planner, dedup and sink once each. All share --data-dir: the sink writes the corpus,
the planner reads the manifest at start and records <data-dir>/pipeline/planner.json (planning, finished),
and learns which of its tasks finished from the terminal topics (group <prefix>planner), and dedup keeps a
snapshot of its index in <data-dir>/dedup/ (after a commit
every dedup.snapshotEveryRecords records or dedup.snapshotEveryMs, and on a clean stop); on a restart it
loads it and replays its input up to its committed positions without forwarding anything again (no snapshot:
its index is rebuilt from the corpus). A process killed with kill -9 redoes only the records it had in flight.
Budgets: a teacher's rpm and tpm are the stage's; each generate or respond member keeps its share, the budget
divided by the live members of its group (both groups when one teacher serves both; docs/budgets.md).
Topics: partitions, retention and session timeout from the "kafka" section of the config.

Options:
  --brokers HOST:PORT   bootstrap brokers, comma-separated (env LAMINI_BROKERS)
  --partitions N        partitions of topics it creates (default: kafka.partitions)
  --topic-prefix PREFIX topics and groups are <PREFIX><name> (default lamini.; env LAMINI_TOPIC_PREFIX;
                        config kafka.topicPrefix); every process of a pipeline must use the same
  --wire-format NAME    single-object (default) or confluent (magic 0 + schema id; env LAMINI_WIRE_FORMAT);
                        every process of a pipeline must use the same
  --schema-registry URL confluent: the schema registry (env LAMINI_SCHEMA_REGISTRY_URL; password from
                        LAMINI_SCHEMA_REGISTRY_PASSWORD)
  --target N            planner: plan until N examples were made (counted as they reach the examples topic,
                        with what tasks in flight will still make), then finish those tasks and exit
  --until-drained       generate, dedup, respond, sink: exit 0 once the planner finished (after this process
                        started) and every stage up to this one has nothing left to read
  --max-cost USD        planner: stop planning before the teacher spend committed since it started (the
                        generate and respond processes' ledger rows, committed by the sink) could pass USD
  --teacher-url URL     generate, respond: an OpenAI-compatible base URL
  --model NAME          teacher model
  --instruction-teacher-url URL, --instruction-model NAME
                        generate: a teacher other than the default one (config teacher.instruction)
  --response-teacher-url URL, --response-model NAME
                        respond: a teacher other than the default one (config teacher.response)
  --concurrency N       teacher calls in flight in this process
  --run-seed N          planner: seed of the task plan (a corpus keeps the one it started with)
  --no-default-seeds    use only imported seeds
${OBSERVABILITY_HELP}

${COMMON}`,

  topics: `Usage: lamini topics create --brokers HOST:PORT [--partitions N] [--topic-prefix PREFIX]

Creates the pipeline's topics (<prefix>tasks, instructions.raw, ...) with N partitions (default:
kafka.partitions) and retention kafka.retentionMs; existing topics keep their partitions.

Options:
  --brokers HOST:PORT   bootstrap brokers, comma-separated (env LAMINI_BROKERS)
  --partitions N        partitions of each topic (default: kafka.partitions)
  --topic-prefix PREFIX the topics are <PREFIX><name> (default lamini.; env LAMINI_TOPIC_PREFIX; config
                        kafka.topicPrefix)

${COMMON}`,

  dlq: `Usage: lamini dlq replay [--reason CODE]... [--operator NAME]... [--dry-run] [--json] [teacher options]
       lamini dlq list [--json]
       (either with --transport kafka --brokers HOST:PORT [--timeout SECONDS] for a Kafka pipeline)

replay takes the dead letters of the pipeline and sends each chosen one back to the topic it came from, so
the operator that failed on it tries again, after you fixed the cause (the teacher, a schema, a setting).
Embedded transport (the default): the letters are the corpus's (the dead_letters table), and the replay is
a run of its own: it takes the corpus (not while a "lamini run" writes it), starts generate, dedup, respond
and the sink with the same teacher as "lamini run" (flags, config, environment; the local teacher when
none is set), sends the records, runs until everything they produce is committed, and stops.
Kafka: the letters are those in <prefix>dlq; they are sent back, and the next "lamini run --transport
kafka" or "lamini operator" processes them.
Either way the sink commits what they produce although their tasks were already counted done, and the
letters stay in the corpus as history. It prints one line: replayed N dead letters (by reason); N skipped
(not chosen by --reason/--operator); N not replayable (by reason); N already replayed.
Replayable: letters whose payload is the failed record (respond's and generate's teacher_* failures,
operator_error; decode_failed and unknown_schema_id once the bytes decode). Not replayable: letters that
hold something else, e.g. the teacher's reply (teacher_no_examples, teacher_bad_json, teacher_truncated) or
a rejected instruction's text. Each replayed letter is logged in <data-dir>/dlq/replayed.jsonl (embedded:
once what it produced is committed), so replaying again sends only letters not sent before (a record that
fails again is a new letter and can be replayed).
list prints, per reason, how many letters there are, how many a replay would send, and how many were
already replayed or cannot be. list and --dry-run only read, and work while a run writes.

Options:
  --reason CODE         replay only letters with this reason (repeat it, or a comma list); a reason no
                        letter has is named on stderr with the reasons there are
  --operator NAME       replay only letters of this operator (generate, dedup, respond, sink)
  --dry-run             count what would be replayed; send nothing
  --json                the counts as JSON (by reason; why each reason is not replayable; embedded: what
                        the replay run committed, under "run")
  --transport NAME      embedded (default) or kafka (env LAMINI_TRANSPORT; config "transport")
  --brokers HOST:PORT   Kafka bootstrap brokers, comma-separated (env LAMINI_BROKERS; config "brokers")
  --timeout SECONDS     kafka: how long to keep trying a broker that does not answer (default 10)
  --wire-format NAME    kafka: single-object (default) or confluent, as the pipeline wrote them (env LAMINI_WIRE_FORMAT)
  --schema-registry URL confluent: the schema registry (env LAMINI_SCHEMA_REGISTRY_URL)
  --topic-prefix PREFIX kafka: the pipeline's topic prefix, as for "lamini run" (default lamini.; env
                        LAMINI_TOPIC_PREFIX; config kafka.topicPrefix)
Teacher options (embedded replay), as for "lamini run":
  --teacher-url URL     an OpenAI-compatible base URL (env OPENAI_BASE_URL); none: the local teacher
  --model NAME          teacher model (env LAMINI_TEACHER_MODEL)
  --instruction-teacher-url, --instruction-model, --response-teacher-url, --response-model
                        a second teacher for one kind of call, as for "lamini run"
  --concurrency N       teacher calls in flight per stage (env LAMINI_TEACHER_CONCURRENCY)
  --stall-timeout SEC   stop with a message when nothing moves for this long (default 300); nothing is
                        logged as replayed then, so the next replay sends those letters again
  --teacher-mode MODE   online (default) or batch
  --no-default-seeds    use only imported seeds, not the ones shipped with lamini

${COMMON}`,

  seed: `Usage: lamini seed import FILE --source NAME [options]

Adds seeds to <data-dir>/seeds/. Formats by extension (.jsonl, .json, .csv, .parquet) or --format.
Understands self-instruct seed tasks (instruction + instances), Alpaca (instruction, input, output) and
P3/FLAN-style inputs/targets records. Lines it cannot use are reported with their line number and reason,
and recorded as dead letters in the corpus.

Options:
  --source NAME         seed family: self_instruct, p3, flan, alpaca, or your own name
  --subset NAME         subset/template name for every record (P3/FLAN prompts draw from one subset)
  --field KEY=PATH      take KEY (instruction, input, output, subset) from PATH, e.g. --field instruction=question
  --format FORMAT       jsonl | json | csv | parquet

${COMMON}`,

  query: `Usage: lamini query "SQL" [--format table|json|csv]

Runs SQL in an in-memory DuckDB over the committed corpus files, read only: nothing can be written,
attached or read outside the corpus. Works while a run is writing.
Views: examples, dead_letters, dropped, teacher_requests, results.

Options:
  --format FORMAT       table (default), json or csv

${COMMON}`,

  stats: `Usage: lamini stats [--json] [--transport kafka --brokers HOST:PORT [--topic-prefix PREFIX]] [--timeout SECONDS]

Counts by instruction_source and generation_mode, drops by reason (dedup, echoes, repeats, filters), dead
letters by operator and reason, tokens and cost, shards and the task watermark; diversity per
instruction_source beside the LaMini-LM paper's Table 1: pairs, distinct instructions, instruction and
response length (whitespace words: mean, p50, p90; p99 and max in --json), MATTR (window 50) of instructions
and responses, and the most frequent leading words.

Lag per operator: with the kafka transport, each operator's consumer group (<prefix>generate, dedup,
respond, sink) on each input topic: committed offsets and log-end offsets summed over partitions, the lag
(end - committed; a partition with no commit counts from its log start), the group's state and members.
Read through the admin API: it never joins a group, so it is safe while a pipeline runs. With the embedded
transport the queues live inside "lamini run", whose progress line shows what each operator has queued.

Options:
  --json                machine-readable output (the lag is under "lag")
  --transport NAME      embedded (default) or kafka (config "transport", env LAMINI_TRANSPORT)
  --brokers HOST:PORT   Kafka bootstrap brokers, comma-separated (env LAMINI_BROKERS; config "brokers")
  --topic-prefix PREFIX kafka: the pipeline's topic and group prefix, as for "lamini run" (default lamini.;
                        env LAMINI_TOPIC_PREFIX; config kafka.topicPrefix)
  --timeout SECONDS     how long to keep trying a broker that does not answer (default 10)

${COMMON}`,

  report: `Usage: lamini report [--out FILE] [--checkpoints DIR...] [--data-dir DIR]

Writes one self-contained HTML page (default report.html; it loads nothing from the network, Chart.js is
inside it) with interactive charts: examples by instruction_source and generation_mode beside the paper's
Table 1 mix and the configured generation.mix; instruction and response length distributions per source beside
Table 1's means; drops and dead letters over time and by reason; teacher requests, cache hits, 429s, retries
and spend over time (the teacher_requests ledger); diversity (distinct instructions, MATTR, leading words);
training and evaluation loss of the checkpoints found; evaluation results per checkpoint and task and the
human rating distribution ("lamini eval"); the latest stats and a few sample rows per source. A section with
nothing to show says why. Everything is aggregated in DuckDB from one manifest snapshot (diversity on a fixed
sample of 100,000 rows when the corpus is larger), so it stays quick on millions of rows and never copies the corpus.

Options:
  -o, --out FILE        where to write the page (default report.html; its folder must exist)
  --checkpoints DIR...  folders to look for checkpoints in (trainer_state.json, up to 3 levels down; repeat
                        the flag or list several after it); default <data-dir>/checkpoints

${COMMON}`,

  teacher: `Usage: lamini teacher serve [--port N] [--gguf PATH]

Serves the local teacher (SmolLM2-135M-Instruct, GGUF, through node-llama-cpp) on
http://127.0.0.1:PORT/v1 with /v1/chat/completions and /v1/models. Weights: LAMINI_TEACHER_GGUF or
--gguf, else fetched once into the cache (~/.cache/lamini or LAMINI_CACHE_DIR).

Options:
  --port N              port on 127.0.0.1 (default 8088; 0 picks a free one)
  --gguf PATH           a GGUF model file

${COMMON}`,

  dedup: `Usage: lamini dedup --input FILE.jsonl [--field text] [--output kept.jsonl] [--dropped dropped.jsonl] [--threshold 0.7] [--json]

Keeps the first of every group of near-duplicate texts, in file order: a record is dropped when an
earlier kept record's word 3-gram shingles (NFKC, lower case, letters and digits) have Jaccard ≥ the
threshold with its own. Candidates come from MinHash LSH and are checked exactly. The settings come from
the "dedup" section of the config (mode, threshold, permutations, bands, rows, ngram, seed, signature).
A line that is not JSON, or lacks the text field, is reported with its line number and counted; the run
goes on (exit code 0).

Options:
  --input FILE          JSONL input, one object a line
  --field NAME          the text field (default text)
  --id-field NAME       the id field (default id; the line number when absent)
  --output FILE         kept lines, copied unchanged
  --dropped FILE        one line per dropped record: {"id", "duplicate_of", "jaccard", "line"}
  --threshold J         Jaccard threshold in (0, 1] (default 0.7)
  --signature MODE      fast (default: fast similarity sketching) or classic (one hash per permutation)
  --json                print the summary as JSON: records, kept, dropped, errors, seconds, records_per_second

${COMMON}`,
  config: `Usage: lamini config print [--json] [--config FILE] [flags]
       lamini config check FILE

print shows the effective configuration, as a command run here with the same --config, environment and
flags would load it: defaults, then the config file, then environment variables, then flags, later winning.
One line per key: the key, its value as JSON and where it came from: default, file PATH, env NAME or
flag --NAME (maps such as teacher.prices merge key by key; the source is the last that set one). A role
teacher key that is not set prints as (inherits): the shared teacher.* value applies. API keys
(teacher.apiKey, teacher.instruction.apiKey, teacher.response.apiKey) and kafka.schemaRegistryPassword
print as "***" when set, whatever their source. An invalid configuration is one line and exit 2.
Flags it takes, as the other commands do: --data-dir, --run-seed, --transport, --brokers, --topic-prefix,
--partitions, --wire-format, --schema-registry, --teacher-url, --model, --instruction-teacher-url,
--instruction-model, --response-teacher-url, --response-model, --concurrency, --teacher-mode,
--stall-timeout, --no-default-seeds, --threshold, --signature.

check reads FILE (JSON, or YAML by .yaml/.yml) and validates it together with the environment, as a command
would, without running anything: exit 0 and one line when it is valid; otherwise exit 2 and every problem
with its path (one a line; a problem that comes from an environment variable names it). A file that cannot
be read is one line and exit 1; one that is not JSON or YAML, one line and exit 2.

Options:
  --json                print: {"file": PATH or null, "config": {KEY: {"value": ..., "source": "..."}}}

${COMMON}`,
  serve: `Usage: lamini serve --checkpoint DIR [--port N] [--host ADDR] [--backend NAME] [--max-tokens N]

Serves a student on http://127.0.0.1:PORT/v1, OpenAI-compatible, with no key (docs/serving.md):
  GET  /v1/models            the student, by name (the name requests must use, or leave out)
  POST /v1/completions       raw prompts (text or token ids, one or a list), max_tokens, temperature, top_p,
                             stop, seed, logprobs (0-20 alternatives per token) and echo, as lm-evaluation-
                             harness's local-completions model reads them; stream
  POST /v1/chat/completions  the last user message in the Alpaca wrapper the student was trained with; stream
  GET  /tokenizer_info, POST /tokenize, POST /detokenize
                             the student's tokenizer, for the harness's tokenizer_backend=remote
Requests run one at a time. Prints the base URL on stdout; Ctrl-C stops.

Options:
  --checkpoint DIR      a checkpoint folder, a folder of them (the latest is used), or a Hugging Face GPT-2 or
                        T5 folder (logprobs and echo need a GPT-2 one)
  --port N              port (default 8089; 0 picks a free one)
  --host ADDR           address to listen on (default 127.0.0.1; anything else is reachable from other
                        machines, with no key)
  --max-tokens N        chat replies' length when a request gives no max_tokens (default 256)
  --backend NAME        as for train (default auto)
  --threads N           native TensorFlow threads

${COMMON}`,

  rate: `Usage: lamini rate --checkpoint A [--checkpoint B ...] --instructions FILE [--port N] [--rater NAME]

Opens a local web page (printed on stdout) that shows one instruction at a time with each student's answer,
in an order shuffled per instruction and never labelled with the student, and records a rating per answer
on the LaMini-LM paper's scale:
  A  valid and acceptable          B  acceptable with minor flaws
  C  responds, with significant errors    D  irrelevant or invalid
Each rating is appended at once to the results store (<data-dir>/results/; "lamini query" view results:
metric rating, label A-D, item the instruction id). Answers are generated once (greedy, in the Alpaca
wrapper) and cached in <data-dir>/rate/answers.jsonl, so a reload or a restart shows the same answers; the
order is a function of --seed and the instruction. Starting again with the same rater and instructions
resumes where the rater stopped; rating an answer again records the new grade (the latest counts).
Instructions: JSON Lines, {"id", "instruction", "input"} a line (id and input optional); data/rate/
ships a set written for this project.

Options:
  --checkpoint DIR      a student to rate (repeat for several; each as for "lamini ask")
  --instructions FILE   the instructions (JSON Lines)
  --rater NAME          who is rating (default: $USER, else "rater"); each rater has their own ratings
  --port N              port on 127.0.0.1 (default 8090; 0 picks a free one)
  --seed N              seed of the answer order (default 1)
  --max-tokens N        longest answer (default 256)
  --backend NAME        as for train (default auto)

${COMMON}`,
  ...STUDENT_HELP,
};
