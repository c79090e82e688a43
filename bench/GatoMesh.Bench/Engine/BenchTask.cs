using GatoMesh.Envs;
using GatoMesh.Fleet;
using GatoMesh.Model;
using GatoMesh.Tokens;

namespace GatoMesh.Bench.Engine;

/// <summary>
/// A fleet task as the serving benchmarks load it: fresh environments by name (<see cref="FleetTasks"/>:
/// synthetic, arm7, gridworld, cartpole-swingup, ...) and, for a task with text fields (the grid world's
/// mission), a SentencePiece model of the environments' text trained into a folder of its own, so
/// seeded random weights can serve it (a checkpoint folder holds the model beside the weights).
/// </summary>
internal sealed class BenchTask : IDisposable
{
    const int TextVocab = 28; // the missions need no more pieces (tests/GatoMesh.Envs.Tests/TextModel.cs)

    BenchTask(string name, Func<IEnvironment> create, EmbodimentSpec spec, string? folder, SentencePieceTokenizer? text)
    {
        Name = name;
        Create = create;
        Spec = spec;
        Folder = folder;
        Text = text;
    }

    public string Name { get; }
    public Func<IEnvironment> Create { get; }
    public EmbodimentSpec Spec { get; }

    /// <summary>The folder holding the text model (null: the task has no text field).</summary>
    public string? Folder { get; }
    public SentencePieceTokenizer? Text { get; }

    public static BenchTask Get(string name)
    {
        var create = FleetTasks.Get(name);
        EmbodimentSpec spec;
        using (var specimen = create())
            spec = specimen.Spec;
        if (!spec.Observation.Any(f => f.Kind == FieldKind.Text))
            return new BenchTask(name, create, spec, null, null);
        var folder = Path.Combine(Path.GetTempPath(), $"gatomesh-bench-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var corpus = Path.Combine(folder, "corpus.txt");
        File.WriteAllLines(corpus, TextCorpus.Missions());
        var text = SentencePieceTokenizer.Load(SentencePieceTrainer.Train(corpus, TextVocab, folder));
        File.Delete(corpus);
        return new BenchTask(name, create, spec, folder, text);
    }

    /// <summary>A checkpoint folder serving <paramref name="model"/> for this task (its text model beside
    /// the weights), or null when the task needs none and the preset's seeded weights do.</summary>
    public string? Checkpoint(GatoModel model)
    {
        if (Folder is null)
            return null;
        var checkpoint = Path.Combine(Folder, model.Config.Preset);
        if (!File.Exists(Path.Combine(checkpoint, "config.json")))
        {
            GatoMesh.Model.Checkpoint.Save(model, checkpoint);
            File.Copy(Path.Combine(Folder, SentencePieceTrainer.ModelFileName), Path.Combine(checkpoint, SentencePieceTrainer.ModelFileName));
        }
        return checkpoint;
    }

    public void Dispose()
    {
        if (Folder is not null && Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }
}
