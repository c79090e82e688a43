using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using GatoMesh.Model;
using GatoMesh.Torch;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh train --preset P --data DIR (--steps N | --minutes T) --out DIR [--json]</c>: single-process
/// training (docs/TRAINING.md). A run whose --out already holds a checkpoint resumes from it and
/// reproduces the uninterrupted run's losses exactly. Ctrl+C stops after the current step with a checkpoint. At the end
/// it writes the run's loss curve (loss.png) and HTML report (report.html) and prints their paths.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "model preset (gatomesh model info lists them)", DefaultValueFactory = _ => "gato-tiny" };
        var config = new Option<FileInfo?>("--config") { Description = "a config.json to use instead of the preset" };
        var data = new Option<DirectoryInfo>("--data") { Description = "data directory from `gatomesh data generate`", Required = true };
        var steps = new Option<long?>("--steps") { Description = "total optimizer steps (the end of the cosine decay); with --minutes, the most steps" };
        var minutes = new Option<double?>("--minutes") { Description = "train for this many minutes of wall clock: the step count is fitted to what this machine manages, so the cosine decay ends with the budget (docs/TRAINING.md)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "run directory: checkpoints/, latest, loss.png", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "sequences per step", DefaultValueFactory = _ => 8 };
        var length = new Option<int?>("--sequence-length") { Description = "tokens per sequence (default: the smaller of 1024 and the model's context)" };
        var lr = new Option<double>("--lr") { Description = "peak learning rate; decays to a tenth", DefaultValueFactory = _ => 1e-4 };
        var warmup = new Option<long?>("--warmup") { Description = "linear warmup steps (default: the smaller of 15000 and a tenth of --steps; 10 with --minutes alone)" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay", DefaultValueFactory = _ => 0.1 };
        var clip = new Option<double>("--clip") { Description = "global gradient-norm clip", DefaultValueFactory = _ => 1.0 };
        var taskWeights = new Option<string?>("--task-weights") { Description = "sampling weights, e.g. catch=1,gridworld=2 (unlisted tasks weigh 1)" };
        var lossWeights = new Option<string?>("--loss-weights") { Description = "weights of each task's text and action tokens in the loss, e.g. gridworld=4 (unlisted tasks weigh 1; docs/TRAINING.md)" };
        var prompt = new Option<double>("--prompt-probability") { Description = "share of sequences (with --history, of windows) that start with a prompt from another episode of the task", DefaultValueFactory = _ => 0.25 };
        var history = new Option<int>("--history") { Description = "timesteps of history a window holds (0: no limit); K > 0 packs K-timestep windows and serves the checkpoint with K", DefaultValueFactory = _ => 0 };
        var dropout = new Option<double?>("--dropout") { Description = "dropout rate during training (default: the config's)" };
        var precision = new Option<string>("--precision") { Description = "fp32, or bf16: the transformer's matrix products in bfloat16 under CPU autocast, weights fp32 (docs/TRAINING.md)", DefaultValueFactory = _ => "fp32" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the initialization, batches and dropout", DefaultValueFactory = _ => 0 };
        var every = new Option<long>("--checkpoint-every") { Description = "steps between checkpoints", DefaultValueFactory = _ => 1000 };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads (fp32: 1 is fastest on 2 cores; bf16: 2, docs/TRAINING.md)", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "print one JSON summary" };
        var workers = new Option<int?>("--workers") { Description = "data-parallel worker processes on loopback (docs/DISTRIBUTED.md); without it, one process trains" };
        var cluster = new Option<string?>("--cluster") { Description = "a running cluster's record (the cluster.json of `gatomesh cluster up`, or its folder): the job's silos join it (with --workers, default 1)" };
        var zero = new Option<int>("--zero") { Description = "ZeRO stage: 0 = every worker keeps all optimizer state, 1 = each keeps its slice", DefaultValueFactory = _ => 0 };
        var promote = new Option<string?>("--promote") { Description = "a serving cluster's record (cluster.json or its folder): deploy the final checkpoint there (its ModelRegistry) when the run ends" };
        var microBatches = new Option<int?>("--micro-batches") { Description = "micro-batches per global batch, fixed for the run (default: --workers); must divide --batch-size" };
        var command = new Command("train", "train the model on a data directory, resuming from --out if it holds a checkpoint")
        {
            preset, config, data, steps, minutes, output, batch, length, lr, warmup, weightDecay, clip, taskWeights, lossWeights, prompt, history, dropout, precision, seed, every, threads, json,
            workers, cluster, zero, microBatches, promote,
        };
        command.Subcommands.Add(TrainWorkerCommand.Create());
        command.SetAction(async (parse, _) =>
        {
            try
            {
                return await Run(parse);
            }
            catch (InvalidTrainingOptionException e) when (!e.Field.StartsWith("--", StringComparison.Ordinal))
            {
                throw TrainOptionNames.Spelled(e);
            }
        });
        return command;

        async Task<int> Run(ParseResult parse)
        {
            Torch.Torch.Threads = parse.GetValue(threads);
            var model = parse.GetValue(config) is { } file
                ? GatoConfig.FromJson(File.ReadAllText(file.FullName))
                : Presets.Get(parse.GetValue(preset)!);
            if (parse.GetValue(dropout) is { } rate)
            {
                if (!(rate is >= 0 and < 1)) throw new InvalidTrainingOptionException("--dropout", rate, "must lie in [0, 1)");
                model = model with { Dropout = (float)rate };
            }
            var budget = parse.GetValue(minutes);
            var total = parse.GetValue(steps) ?? (budget is null
                ? throw new InvalidTrainingOptionException("--steps", null, "give --steps, --minutes or both")
                : long.MaxValue / 4);
            var options = new TrainerOptions
            {
                Config = model,
                DataDirectory = parse.GetValue(data)!.FullName,
                OutputDirectory = parse.GetValue(output)!.FullName,
                Steps = total,
                Minutes = budget,
                Provenance = TrainingOutputs.Provenance(),
                BatchSize = parse.GetValue(batch),
                SequenceLength = parse.GetValue(length) ?? Math.Min(1024, model.Context),
                PeakLearningRate = parse.GetValue(lr),
                WarmupSteps = parse.GetValue(warmup) ?? (parse.GetValue(steps) is null ? 10 : Math.Min(15_000, total / 10)),
                WeightDecay = parse.GetValue(weightDecay),
                ClipNorm = parse.GetValue(clip),
                TaskWeights = ParseWeights("--task-weights", parse.GetValue(taskWeights)),
                LossWeights = ParseWeights("--loss-weights", parse.GetValue(lossWeights)),
                PromptProbability = parse.GetValue(prompt),
                History = parse.GetValue(history),
                Precision = ComputePrecisions.Parse(parse.GetValue(precision)),
                Seed = parse.GetValue(seed),
                CheckpointEvery = parse.GetValue(every),
            };
            if (parse.GetValue(workers) is not null || parse.GetValue(cluster) is not null || parse.GetValue(promote) is not null)
            {
                var count = parse.GetValue(workers) ?? 1;
                var stage = parse.GetValue(zero);
                if (stage is not (0 or 1)) throw new InvalidTrainingOptionException("--zero", stage, "must be 0 (plain data parallelism) or 1 (ZeRO stage 1)");
                var distributed = new DistributedTrainerOptions
                {
                    Training = options,
                    Parallelism = stage == 1 ? DataParallelism.Zero1 : DataParallelism.Replicated,
                    MicroBatches = parse.GetValue(microBatches) ?? count,
                };
                using var interrupted = new CancellationTokenSource();
                ConsoleCancelEventHandler interrupt = (_, e) => { e.Cancel = true; interrupted.Cancel(); };
                Console.CancelKeyPress += interrupt;
                try
                {
                    return await DistributedTraining.RunAsync(distributed, count, parse.GetValue(cluster), parse.GetValue(promote), parse.GetValue(threads), parse.GetValue(json), interrupted.Token);
                }
                finally
                {
                    Console.CancelKeyPress -= interrupt;
                }
            }
            using var trainer = Trainer.Open(options);
            Console.Error.WriteLine(trainer.ResumedFrom is { } from
                ? $"resuming from {from} at step {trainer.Step}"
                : $"training {model.Preset} from seed {options.Seed} ({options.Precision.Name()}, {Torch.Torch.Threads} thread(s))" +
                  (budget is { } b ? $" for {b.ToString(CultureInfo.InvariantCulture)} min; the step count is fitted after the first {Trainer.FitSteps} steps" : ""));
            Console.Error.WriteLine("tasks: " + TaskLine(trainer.Tasks, trainer.TaskWeights, trainer.LossWeights));
            if (trainer.ResumedFrom is null && trainer.LocalGrids.Count > 0)
                Console.Error.WriteLine("local positions on a row + column lattice: " +
                    string.Join(", ", trainer.LocalGrids.Select(g => $"{g.Rows}x{g.Columns} grid at {g.Start}-{g.End - 1}")));
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler stop = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += stop;
            var bar = new TrainProgressBar();
            TrainerReport report;
            try
            {
                report = trainer.Run(progress: bar.Report, cancel: cancel.Token);
            }
            finally
            {
                Console.CancelKeyPress -= stop;
                bar.Finish();
            }
            var (lossCurve, html) = TrainingOutputs.Write(options.OutputDirectory, report.Checkpoint, report.TokensPerSecond);
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["steps"] = report.Steps,
                    ["planned_steps"] = trainer.Steps,
                    ["final_loss"] = report.FinalLoss,
                    ["tokens_per_s"] = report.TokensPerSecond,
                    ["checkpoint"] = report.Checkpoint,
                    ["loss_curve"] = lossCurve,
                    ["report"] = html,
                    ["resumed_from"] = trainer.ResumedFrom,
                    ["stopped_early"] = report.Steps < trainer.Steps,
                }.ToJsonString(ReadableJson.Options));
            }
            else
            {
                Console.WriteLine($"step {report.Steps}/{trainer.Steps}  loss {report.FinalLoss:F4}  {report.TokensPerSecond:F0} tokens/s");
                Console.WriteLine($"checkpoint {report.Checkpoint}");
                Console.WriteLine($"loss curve {lossCurve}");
                Console.WriteLine($"report {html}");
            }
            return 0;
        }
    }

    /// <summary>"catch (weight 2.5), gridworld (weight 4, loss weight 3)": a task's loss weight only where it is not 1.</summary>
    static string TaskLine(IReadOnlyList<string> tasks, IReadOnlyList<double> weights, IReadOnlyList<double> lossWeights) =>
        string.Join(", ", tasks.Select((t, i) => $"{t} (weight {weights[i].ToString(CultureInfo.InvariantCulture)}" +
            (lossWeights[i] == 1 ? ")" : $", loss weight {lossWeights[i].ToString(CultureInfo.InvariantCulture)})")));

    /// <summary><c>catch=1,gridworld=2</c> into a map; a malformed entry names itself.</summary>
    static Dictionary<string, double> ParseWeights(string option, string? text)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return weights;
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
                throw new InvalidTrainingOptionException(option, entry, "each entry must be task=weight, e.g. catch=1");
            if (!weights.TryAdd(parts[0], weight))
                throw new InvalidTrainingOptionException(option, entry, $"task {parts[0]} is listed twice");
        }
        return weights;
    }
}
