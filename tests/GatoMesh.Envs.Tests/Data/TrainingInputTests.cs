using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

/// <summary>What a data directory holds is what the trainer consumes: shards read back into the
/// token space's sequence builders with the directory's own text model.</summary>
public class TrainingInputTests
{
    [Fact]
    public void Episodes_and_captions_from_shards_build_training_sequences_with_the_generated_text_model()
    {
        using var directory = new TemporaryDirectory();
        var (manifest, _) = new DatasetGenerator(new GenerationOptions
        {
            Tasks = ["gridworld", "catch", "vision-language"], Episodes = 10, RandomEpisodes = 5, OutputDirectory = directory.Path,
        }).Run();
        var text = SentencePieceTokenizer.Load(Path.Combine(directory.Path, manifest.TextModel!));
        var space = new TokenSpace(text.VocabSize);
        var episodes = new List<Episode>();
        foreach (var task in manifest.Tasks)
            foreach (var shard in task.Shards)
            {
                using var reader = ShardReader.Open(Path.Combine(directory.Path, shard));
                var encoder = new TimestepEncoder(reader.Header.Spec!, space, text);
                episodes.AddRange(reader.ReadEpisodes().Select(e => e.ToEpisode(encoder)));
            }
        // Every mission fits the grid world's text field under the generated model.
        using var gridWorld = new GridWorldEnvironment();
        var missionEncoder = new TimestepEncoder(gridWorld.Spec, space, text);
        var view = new int[GridRoom.View * GridRoom.View];
        foreach (var mission in TextCorpus.Missions())
        {
            var observation = new Observation().SetText(GridWorldEnvironment.MissionKey, mission)
                .SetDiscrete(GridWorldEnvironment.GridKey, view);
            missionEncoder.Encode(observation, null, new TokenBuffer());
        }

        var builder = new SequenceBuilder(episodes, new SequenceOptions { Length = 512, Seed = 3 });
        var buffer = new TokenBuffer();
        var tasks = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            buffer.Clear();
            var info = builder.Build(i, buffer);
            Assert.Equal(512, buffer.Count);
            Assert.True(info.ValidCount > 0);
            tasks.Add(episodes[info.Episode].Task);
        }
        Assert.Equal(["catch", "gridworld"], tasks.Order());

        using var captions = ShardReader.Open(Path.Combine(directory.Path, manifest.Captions!.Shards[0]));
        var samples = captions.ReadCaptions().Select(c => c.ToSample()).ToList();
        var vision = new VisionLanguageSequenceBuilder(samples, text, space, 256, 1);
        buffer.Clear();
        Assert.InRange(vision.Build(0, buffer), 1, 256 / 17);
        Assert.Equal(256, buffer.Count);
        Assert.True(buffer.PatchCount >= 16);
    }
}
