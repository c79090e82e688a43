namespace GatoMesh.Tokens.Tests.Specs;

public class SpecJsonReaderTests
{
    [Fact]
    public void The_documented_arm_example_loads_with_fields_in_key_order()
    {
        var spec = SpecJsonReader.Load(RepositoryFiles.Path("docs/examples/arm.spec.json"));
        Assert.Equal("sawyer-stack", spec.Name);
        Assert.Equal(["camera", "instruction", "robot.joints"], spec.Observation.Select(f => f.Key));
        Assert.Equal([FieldKind.Image, FieldKind.Text, FieldKind.Continuous], spec.Observation.Select(f => f.Kind));
        Assert.Equal(32, spec.Observation[1].MaxTokens);
        Assert.Equal(4 + 7, spec.FixedObservationTokens);
        Assert.Equal(7, spec.ActionTokenCount);
        Assert.All(spec.ActionIdRanges(new TokenSpace(32000)), range => Assert.Equal((32000, 33024), range));
    }

    [Fact]
    public void The_documented_grid_world_example_has_a_discrete_action_in_zero_seven()
    {
        var spec = SpecJsonReader.Load(RepositoryFiles.Path("docs/examples/gridworld.spec.json"));
        Assert.Equal(["agent.energy", "agent.position", "grid"], spec.Observation.Select(f => f.Key));
        Assert.Equal([3, 3], spec.Observation[2].Shape);
        Assert.Equal([(0, 7)], spec.ActionIdRanges(new TokenSpace(32000)));
        // The 3x3 grid follows energy (1 token) and position (2): its cells hold local positions 3-11.
        Assert.Equal([new LocalGrid(3, 3, 3)], spec.LocalGrids);
    }

    [Fact]
    public void Only_two_dimensional_discrete_fields_at_fixed_local_positions_are_local_grids()
    {
        var spec = SpecJsonReader.Parse("""
            { "observation": { "a": {"kind": "discrete", "shape": [4, 5], "range": [0, 9]},
                               "b": {"kind": "discrete", "shape": [6]},
                               "c": {"kind": "continuous", "shape": [2, 2]},
                               "d": {"kind": "discrete", "shape": [1, 3]},
                               "e": {"kind": "discrete", "shape": [2, 3]},
                               "m": {"kind": "text", "max_tokens": 8},
                               "z": {"kind": "discrete", "shape": [3, 3]} },
              "action": { "y": {"kind": "discrete", "shape": [1]} } }
            """);
        // a at 0; b (6), c (4), d (3) are not grids; e starts after 20 + 6 + 4 + 3; z follows text, so it has no fixed place.
        Assert.Equal([new LocalGrid(0, 4, 5), new LocalGrid(33, 2, 3)], spec.LocalGrids);
        Assert.Empty(SpecJsonReader.Load(RepositoryFiles.Path("docs/examples/arm.spec.json")).LocalGrids);
    }

    [Fact]
    public void Nested_keys_sort_segment_by_segment_so_a_group_stays_together()
    {
        // Flat ordinal order of the dotted paths would put "a-b" before "a.z" ('-' < '.').
        var spec = SpecJsonReader.Parse("""
            { "observation": { "a-b": {"kind": "continuous", "shape": [1]},
                               "a": { "z": {"kind": "continuous", "shape": [1]},
                                      "c": { "d": {"kind": "discrete", "shape": [1]} } },
                               "B": {"kind": "continuous", "shape": [1]},
                               "aa": {"kind": "continuous", "shape": [1]} },
              "action": { "y": {"kind": "discrete", "shape": [1]}, "x": {"kind": "continuous", "shape": [2]} } }
            """);
        Assert.Equal(["B", "a.c.d", "a.z", "a-b", "aa"], spec.Observation.Select(f => f.Key));
        Assert.Equal(["x", "y"], spec.Action.Select(f => f.Key));
    }

    [Theory]
    [InlineData("""{"observation": {"a": {"kind": "continuous", "shape": [1], "units": "m"}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.a.units")]
    [InlineData("""{"observation": {"a": {"kind": "float", "shape": [1]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.a.kind")]
    [InlineData("""{"observation": {"cam": {"kind": "image", "shape": [60, 64, 3]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.cam.shape")]
    [InlineData("""{"observation": {"cam": {"kind": "image", "shape": [64, 64]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.cam.shape")]
    [InlineData("""{"observation": {"a": {"kind": "discrete", "shape": [1], "range": [5, 5]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.a.range")]
    [InlineData("""{"observation": {"a": {"kind": "discrete", "shape": [1], "range": [0, 2000]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.a.range")]
    [InlineData("""{"observation": {"a": {"kind": "continuous", "shape": [0]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.a.shape")]
    [InlineData("""{"observation": {"a": {"kind": "continuous"}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.a.shape")]
    [InlineData("""{"observation": {"a": {"kind": "text", "max_tokens": 0}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation.a.max_tokens")]
    [InlineData("""{"observation": {"a": {"kind": "continuous", "shape": [1]}}, "action": {"b": {"kind": "text"}}}""", "action.b.kind")]
    [InlineData("""{"observation": {"a": {"kind": "continuous", "shape": [1]}}}""", "action")]
    [InlineData("""{"observation": {}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation")]
    [InlineData("""{"observation": {"a.b": {"kind": "continuous", "shape": [1]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation")]
    [InlineData("""{"observation": {"cam": {"kind": "image", "shape": [512, 512, 3]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}}""", "observation")]
    [InlineData("""{"observation": [], "action": {}}""", "observation")]
    [InlineData("""{"observation": {"a": {"kind": "continuous", "shape": [1]}}, "action": {"b": {"kind": "discrete", "shape": [1]}}, "version": 2}""", "version")]
    [InlineData("""{"observation": """, "spec")]
    public void Malformed_specs_are_rejected_naming_the_offending_path(string json, string field)
    {
        var error = Assert.Throws<SpecFormatException>(() => SpecJsonReader.Parse(json));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_missing_spec_file_is_a_typed_error()
    {
        var error = Assert.Throws<SpecFormatException>(() => SpecJsonReader.Load("/nonexistent/robot.json"));
        Assert.Equal("/nonexistent/robot.json", error.Value);
    }
}
