using GatoMesh.Data;
using GatoMesh.Eval;

namespace GatoMesh.Eval.Tests;

public sealed class ReferenceReturnsTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("gm-eval-refs-").FullName;

    [Fact]
    public void A_data_directory_s_manifest_gives_the_returns_its_data_was_filtered_by()
    {
        new DatasetManifest
        {
            FilterFraction = 0.8,
            Tasks = [new("catch", "Catch", [], 200, 190, 0, ExpertReturn: 1.0, RandomReturn: -0.78, RandomEpisodes: 100, Threshold: 0.8)],
        }.Save(directory);

        var scores = ReferenceReturns.FromData(directory, ["catch"]).For("catch");

        Assert.Equal((1.0, -0.78), (scores.Expert, scores.Random));
        Assert.Equal(0.5, scores.Normalize((1.0 - 0.78) / 2), 12);
    }

    [Fact]
    public void A_task_the_manifest_lacks_is_refused_naming_it()
    {
        new DatasetManifest { FilterFraction = 0.8 }.Save(directory);

        var error = Assert.Throws<InvalidEvaluationOptionException>(() => ReferenceReturns.FromData(directory, ["reacher"]));
        Assert.Equal("--tasks", error.Option);
        Assert.Contains("reacher", error.Message);
    }

    [Fact]
    public void A_directory_without_a_manifest_is_refused_naming_data()
    {
        var error = Assert.Throws<InvalidEvaluationOptionException>(() => ReferenceReturns.FromData(directory, ["catch"]));
        Assert.Equal("--data", error.Option);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
