namespace GatoMesh.Tokens.Tests.Values;

public class ValueJsonReaderTests
{
    const int V = 32000;
    static EmbodimentSpec GridWorld => SpecJsonReader.Load(RepositoryFiles.Path("docs/examples/gridworld.spec.json"));

    [Fact]
    public void The_documented_grid_world_observation_and_action_encode()
    {
        var spec = GridWorld;
        var observation = ValueJsonReader.ReadObservation(File.ReadAllText(RepositoryFiles.Path("docs/examples/gridworld.observation.json")), spec);
        var action = ValueJsonReader.ReadAction(File.ReadAllText(RepositoryFiles.Path("docs/examples/gridworld.action.json")), spec);
        var buffer = new TokenBuffer();
        new TimestepEncoder(spec, new TokenSpace(V)).Encode(observation, action, buffer);
        Assert.Equal([V + 710, 4, 7, 0, 1, 0, 2, 0, 3, 0, 0, 1, V + 1024, 3], buffer.Ids.ToArray());
    }

    [Fact]
    public void Images_are_read_from_height_width_channel_nesting()
    {
        var spec = new EmbodimentSpec("cam", [FieldSpec.Image("camera", 16, 16)], [FieldSpec.Discrete("a", [1])]);
        var rows = string.Join(",", Enumerable.Range(0, 16).Select(y => "[" + string.Join(",", Enumerable.Range(0, 16).Select(x => $"[{x},{y},255]")) + "]"));
        var observation = ValueJsonReader.ReadObservation($$"""{"camera": [{{rows}}]}""", spec);
        var buffer = new TokenBuffer();
        new TimestepEncoder(spec, new TokenSpace(V)).Encode(observation, null, buffer);
        Assert.Equal(1, buffer.PatchCount);
        Assert.Equal(0.25f, buffer.PatchPixels[2 * 256 + 5]);
    }

    [Theory]
    [InlineData("""{"grid": [[0,1,0],[2,0],[0,0,1]], "agent": {"position": [4,7], "energy": [0.5]}}""", "grid", typeof(ShapeMismatchException))]
    [InlineData("""{"grid": [[0,1,0],[2,0,3],[0,0,1]], "agent": {"position": [4,7], "energy": ["NaN"]}}""", "agent.energy[0]", typeof(InvalidValueException))]
    [InlineData("""{"grid": [[0,1,0],[2,0,3],[0,0,1]], "agent": {"position": [4,7], "energy": ["-Infinity"]}}""", "agent.energy[0]", typeof(InvalidValueException))]
    [InlineData("""{"grid": [[0,1,0],[2,0,3],[0,0,1]], "agent": {"position": [4,7.5], "energy": [0.5]}}""", "agent.position[1]", typeof(InvalidValueException))]
    [InlineData("""{"grid": [[0,1,0],[2,0,3],[0,0,1]], "agent": {"position": [4,7], "energy": [0.5], "mood": 1}}""", "agent.mood", typeof(UnknownFieldException))]
    [InlineData("""{"grid": [[0,1,0],[2,0,3],[0,0,1]], "agent": {"position": [4,7]}}""", "agent.energy", typeof(MissingFieldException))]
    [InlineData("""{"grid": [0,1,0,2,0,3,0,0,1], "agent": {"position": [4,7], "energy": [0.5]}}""", "grid", typeof(ShapeMismatchException))]
    [InlineData("""{"grid": [[0,1,0],[2,0,3],[0,0,1]], "agent": 3}""", "agent", typeof(InvalidValueException))]
    [InlineData("""[1, 2]""", "observation", typeof(InvalidValueException))]
    public void Bad_json_observations_are_rejected_naming_the_field(string json, string field, Type errorType)
    {
        var error = Assert.ThrowsAny<TokenSpaceException>(() =>
            new TimestepEncoder(GridWorld, new TokenSpace(V)).Encode(ValueJsonReader.ReadObservation(json, GridWorld), null, new TokenBuffer()));
        Assert.Equal(field, error.Field);
        Assert.IsType(errorType, error);
    }
}
