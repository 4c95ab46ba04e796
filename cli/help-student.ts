/** The words `lamini train --help` and `lamini ask --help` print. */
import { PRESETS, parameterCount } from '../trainers/model/shape.ts';

const COMMON = `Common options:
  --data-dir DIR     where the corpus lives (default ./lamini-data; env LAMINI_DATA_DIR)
  -h, --help         this help`;

const presetLines = Object.entries(PRESETS)
  .map(([name, p]) => {
    const s = p.shape;
    const size = `${(parameterCount(s) / 1e6).toFixed(1)}M`;
    return `  ${name.padEnd(8)} ${size.padStart(7)}  ${s.layers} layers, d ${s.dModel}, ${s.heads} heads, context ${s.context}, vocab ${s.vocabSize}, batch ${p.batchSize}: ${p.note}`;
  })
  .join('\n');

export const STUDENT_HELP = {
  train: `Usage: lamini train [--preset tiny] [--init DIR] [--steps N] [--epochs N] [--follow] [--save-every N]
                    [--out DIR] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--seed N] [--json]

Trains a decoder-only student (GPT-2 architecture) on the corpus: the Alpaca prompt wrapper, loss on the
response tokens and the end token only, AdamW (no decay on biases and layer norms), linear warmup then cosine
decay, global-norm clipping at 1.0. Reads the committed shards (each checked against its sha256 in the
manifest) in a seeded block-shuffled order; 1% of the ids (by hash) are held out for the evaluation loss and
never trained on. Checkpoints are Hugging Face GPT-2 folders (config.json, model.safetensors, tokenizer.json)
with the trainer's state beside them (trainer_state.json, optimizer.safetensors); running the same command
again with the same --out resumes from the last one and sees exactly the rows an uninterrupted run would have.
Ctrl-C stops after the current step and saves a checkpoint (exit 130, as "lamini run").

Presets (from scratch they train a byte-level BPE of up to the preset's vocabulary on the corpus):
${presetLines}

Options:
  --preset NAME         tiny, small or gpt2 (default tiny)
  --init DIR            finetune from a Hugging Face GPT-2 folder (config.json, model.safetensors,
                        tokenizer.json); its shape and tokenizer are kept; learning rate 2e-5 (the paper's)
  --steps N             optimizer steps to reach (default: --epochs passes over the corpus)
  --epochs N            passes over the corpus (default 5, the paper's; with --steps alone, as many as needed)
  --follow              also train on shards committed after the start, at pass boundaries (see docs/trainer.md);
                        without --steps it keeps following until stopped
  --batch-size N        examples per forward pass (default: the preset's)
  --grad-accum N        forward passes per optimizer step (gradient accumulation; default 1)
  --lr RATE             peak learning rate (default: 2e-5 with --init, else the preset's)
  --warmup N            warmup steps (default 3% of the run)
  --layers N, --d-model N, --heads N, --context N, --vocab-size N
                        override the preset's shape (from scratch only)
  --save-every N        checkpoint every N steps (default 200), and always at the end
  --keep N              checkpoints to keep (default 3)
  --eval-every N        evaluation loss every N steps (default 50), and at the end
  --eval-examples N     held-out examples the evaluation loss uses (default 64)
  --eval-percent P      share of the corpus held out by id hash (default 1)
  --out DIR             checkpoints folder (default <data-dir>/checkpoints)
  --backend NAME        auto (default: tensorflow-gpu, tensorflow, wasm, cpu, best first), or one of them
  --threads N           native TensorFlow threads (default: its own choice)
  --seed N              seed of the initial weights and the data order (default 1)
  --log-every N         a progress line (or JSON line) every N steps (default 10), and at evaluations
  --json                one JSON line per logged step: step, loss, eval_loss (when computed),
                        tokens_per_second, lr, grad_norm, examples, epoch, time

${COMMON}`,

  ask: `Usage: lamini ask --checkpoint DIR "instruction" [--input TEXT] [--max-tokens N] [--temperature T] [--seed N]

Answers an instruction with a student: the instruction (and input) in the Alpaca prompt wrapper it was trained
with, then tokens until the end token or --max-tokens. Greedy at temperature 0 (the default).

Options:
  --checkpoint DIR      a checkpoint folder (checkpoint-N), or a folder of them (the latest is used), or any
                        Hugging Face GPT-2 folder with config.json, model.safetensors and tokenizer.json
  --input TEXT          the input that goes with the instruction
  --max-tokens N        most tokens to generate (default 128)
  --temperature T       0 (default) is greedy; above 0 samples
  --top-p P             nucleus sampling when sampling (default 1)
  --seed N              seed for sampling (default 1)
  --no-wrapper          send the text as it is, without the Alpaca wrapper
  --backend NAME        as for train (default auto)
  --json                print {"response", "tokens", "stopped", "checkpoint"} as JSON

${COMMON}`,
};
