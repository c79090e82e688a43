using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary><c>gatomesh train</c> on a tiny dataset (docs/TRAINING.md): a checkpoint and loss.png, and a
/// rerun into the same --out resumes. Sequences are 160 tokens: a grid-world timestep is about 128 tokens, and a
/// sequence holds whole timesteps.</summary>
[Collection(GeneratedDataCollection.Name)]
public sealed class TrainCommandTests(GeneratedData data)
{
    private static readonly TimeSpan TrainDeadline = TimeSpan.FromSeconds(150);

    private CliResult Train(string output, int steps) =>
        Gatomesh.Run(new CliRun(["train", "--data", data.Directory, "--steps", steps.ToString(), "--out", output,
            "--batch-size", "2", "--sequence-length", "160", "--json"]) { Deadline = TrainDeadline });

    [Fact]
    public void Train_writes_a_checkpoint_and_loss_curve_and_a_rerun_with_more_steps_resumes()
    {
        data.Generate.Json();
        using var run = new TempDirectory();

        var first = Train(run.Path, 4).Json();
        Assert.Equal(4, first.GetProperty("steps").GetInt64());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("resumed_from").ValueKind);
        Assert.False(first.GetProperty("stopped_early").GetBoolean());
        Assert.True(double.IsFinite(first.GetProperty("final_loss").GetDouble()));
        var checkpoint = first.GetProperty("checkpoint").GetString()!;
        Assert.True(Directory.Exists(checkpoint) || File.Exists(checkpoint), $"checkpoint {checkpoint} does not exist");
        Assert.Equal(Path.Combine(run.Path, "loss.png"), first.GetProperty("loss_curve").GetString());
        var png = File.ReadAllBytes(run["loss.png"]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(run["report.html"], first.GetProperty("report").GetString());
        Assert.Contains("id=\"loss\"", File.ReadAllText(run["report.html"]));
        // The checkpoint says how it was made.
        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoint, "trainer.json"))).RootElement;
        Assert.StartsWith("gatomesh train --data", state.GetProperty("provenance").GetProperty("command").GetString());
        Assert.Equal(0UL, state.GetProperty("data_seed").GetUInt64());

        var second = Train(run.Path, 6).Json();
        Assert.Equal(6, second.GetProperty("steps").GetInt64());
        Assert.Equal(JsonValueKind.String, second.GetProperty("resumed_from").ValueKind);
        Assert.False(second.GetProperty("stopped_early").GetBoolean());

        // A resume must continue the same run: another batch size is refused by name, and so is going back.
        Gatomesh.Run("train", "--data", data.Directory, "--steps", "8", "--out", run.Path, "--batch-size", "4",
            "--sequence-length", "160", "--json").AssertFailsNaming("--batch-size");
        Gatomesh.Run("train", "--data", data.Directory, "--steps", "5", "--out", run.Path, "--batch-size", "2",
            "--sequence-length", "160", "--json").AssertFailsNaming("--steps");
    }

    [Fact]
    public void Train_for_a_time_budget_fits_its_step_count_to_the_machine_and_records_the_budget()
    {
        data.Generate.Json();
        using var run = new TempDirectory();

        var result = Gatomesh.Run(new CliRun(["train", "--data", data.Directory, "--minutes", "0.2", "--out", run.Path,
            "--batch-size", "2", "--sequence-length", "160", "--checkpoint-every", "10", "--json"]) { Deadline = TrainDeadline }).Json();
        // Fitted after the first 20 steps on a machine that reaches them in the budget; a budget spent before them
        // ends the run where it stands. Either way the plan is a real step count, at least what was run.
        var planned = result.GetProperty("planned_steps").GetInt64();
        Assert.InRange(result.GetProperty("steps").GetInt64(), 1, planned);
        Assert.InRange(planned, 1, 1_000_000);
        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.GetProperty("checkpoint").GetString()!, "trainer.json"))).RootElement;
        Assert.Equal(0.2, state.GetProperty("minutes").GetDouble());
        Assert.Equal(planned, state.GetProperty("steps").GetInt64());
        // A resume is the same run only with the same budget.
        Gatomesh.Run("train", "--data", data.Directory, "--minutes", "0.3", "--out", run.Path, "--batch-size", "2",
            "--sequence-length", "160", "--json").AssertFailsNaming("--minutes");
    }

    [Fact]
    public void Train_rejects_a_bad_option_value_naming_the_option()
    {
        data.Generate.Json();
        using var run = new TempDirectory();

        Gatomesh.Run("train", "--data", data.Directory, "--steps", "4", "--out", run.Path, "--batch-size", "0", "--json")
            .AssertFailsNaming("--batch-size");
    }

    [Fact]
    public void Train_rejects_a_sequence_length_shorter_than_one_timestep_saying_so()
    {
        data.Generate.Json();
        using var run = new TempDirectory();

        Gatomesh.Run(new CliRun(["train", "--data", data.Directory, "--steps", "4", "--out", run.Path, "--batch-size", "2",
                "--sequence-length", "64", "--json"]) { Deadline = TrainDeadline })
            .AssertFailsNaming("TokenBudgetException", "longer than the sequence length 64");
    }

    [Fact]
    public void Train_rejects_an_unknown_option_naming_it()
    {
        using var run = new TempDirectory();

        Gatomesh.Run("train", "--data", run.Path, "--steps", "4", "--out", run.Path, "--bogus-option", "1", "--json")
            .AssertFailsNaming("--bogus-option");
    }

    [Fact]
    public void Train_on_a_folder_without_a_manifest_fails_naming_it()
    {
        using var run = new TempDirectory();

        Gatomesh.Run("train", "--data", run["empty"], "--steps", "4", "--out", run["out"], "--json")
            .AssertFailsNaming(run["empty"]);
    }
}
