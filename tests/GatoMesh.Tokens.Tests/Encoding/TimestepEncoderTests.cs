namespace GatoMesh.Tokens.Tests.Encoding;

[Collection(TextModelCollection.Name)]
public class TimestepEncoderTests(TextModel text)
{
    const int V = 32000;
    readonly TokenSpace space = new(V);

    static EmbodimentSpec GridWorld => SpecJsonReader.Load(RepositoryFiles.Path("docs/examples/gridworld.spec.json"));
    static EmbodimentSpec Arm => SpecJsonReader.Load(RepositoryFiles.Path("docs/examples/arm.spec.json"));

    static Observation GridObservation() => new Observation()
        .SetDiscrete("grid", [0, 1, 0, 2, 0, 3, 0, 0, 1], [3, 3])
        .SetDiscrete("agent.position", [4, 7])
        .SetContinuous("agent.energy", [0.5f]);

    static Observation ArmObservation(string instruction = "stack the red block on the blue cube") => new Observation()
        .SetImage("camera", ImageValue.FromHwc(new byte[32 * 32 * 3], 32, 32))
        .SetText("instruction", instruction)
        .SetContinuous("robot.joints", [0f, 0.5f, -1.2f, 0.25f, 1f, -0.75f, 3f]);

    static ActionValues ArmAction() => new ActionValues().SetContinuous("arm", [0.1f, -0.2f, 0f, 0.5f, -1.2f, 0.05f, 0.3f]);

    [Fact]
    public void A_grid_world_timestep_is_fields_in_key_order_then_separator_then_action()
    {
        var buffer = new TokenBuffer();
        var separator = new TimestepEncoder(GridWorld, space).Encode(GridObservation(), new ActionValues().SetDiscrete("move", [3]), buffer);
        // agent.energy 0.5 -> bin 710; agent.position; grid row-major; separator V + 1024; move 3.
        Assert.Equal([V + 710, 4, 7, 0, 1, 0, 2, 0, 3, 0, 0, 1, V + 1024, 3], buffer.Ids.ToArray());
        Assert.Equal(12, separator);
        Assert.Equal([.. Enumerable.Range(0, 13), TokenSpace.ActionLocalPosition], buffer.LocalPositions.ToArray());
        Assert.Equal([.. Enumerable.Repeat(false, 13), true], buffer.LossMask.ToArray());
        Assert.Equal(0, buffer.PatchCount);
    }

    [Fact]
    public void A_robot_timestep_puts_patches_text_and_tensors_with_their_loss_bits()
    {
        var buffer = new TokenBuffer();
        var instruction = "stack the red block on the blue cube";
        var textIds = text.Tokenizer.Encode(instruction).ToArray();
        var separator = new TimestepEncoder(Arm, space, text.Tokenizer).Encode(ArmObservation(instruction), ArmAction(), buffer);
        var n = textIds.Length;
        Assert.Equal(4 + n + 7, separator);
        Assert.Equal(Enumerable.Repeat(TokenBuffer.PatchId, 4), buffer.Ids[..4].ToArray());
        Assert.Equal(textIds, buffer.Ids.Slice(4, n).ToArray());
        Assert.All(textIds, id => Assert.InRange(id, 0, TextModel.VocabSize - 1));
        Assert.Equal([V + 512, V + 710, V + 270, V + MuLaw.Bin(0.25), V + 744, V + MuLaw.Bin(-0.75), V + MuLaw.Bin(3)], buffer.Ids.Slice(4 + n, 7).ToArray());
        Assert.Equal(space.Separator, buffer.Ids[separator]);
        Assert.Equal(separator + 1 + 7, buffer.Count);
        Assert.Equal(Enumerable.Range(0, separator + 1), buffer.LocalPositions[..(separator + 1)].ToArray());
        Assert.All(buffer.LocalPositions[(separator + 1)..].ToArray(), p => Assert.Equal(TokenSpace.ActionLocalPosition, p));
        bool[] loss = [.. Enumerable.Repeat(false, 4), .. Enumerable.Repeat(true, n), .. Enumerable.Repeat(false, 7 + 1), .. Enumerable.Repeat(true, 7)];
        Assert.Equal(loss, buffer.LossMask.ToArray());
        Assert.Equal(4, buffer.PatchCount);
        Assert.Equal([32, 32, 96, 96], buffer.PatchRows.ToArray());
        Assert.Equal([32, 96, 32, 96], buffer.PatchColumns.ToArray());
    }

    [Fact]
    public void Without_an_action_the_timestep_ends_at_the_separator()
    {
        var buffer = new TokenBuffer();
        var separator = new TimestepEncoder(GridWorld, space).Encode(GridObservation(), null, buffer);
        Assert.Equal(buffer.Count - 1, separator);
        Assert.Equal(space.Separator, buffer.Ids[^1]);
    }

    [Fact]
    public void Consecutive_timesteps_restart_their_local_positions()
    {
        var buffer = new TokenBuffer(tokenCapacity: 1, patchCapacity: 1);
        var encoder = new TimestepEncoder(GridWorld, space);
        var action = new ActionValues().SetDiscrete("move", [6]);
        encoder.Encode(GridObservation(), action, buffer);
        var second = encoder.Encode(GridObservation(), action, buffer);
        Assert.Equal(14 + 12, second);
        Assert.Equal(buffer.LocalPositions[..14].ToArray(), buffer.LocalPositions[14..].ToArray());
    }

    public static TheoryData<string, Func<Observation>> BadGridObservations => new()
    {
        { "grid", () => new Observation().SetDiscrete("agent.position", [4, 7]).SetContinuous("agent.energy", [0.5f]) },
        { "agent.speed", () => GridObservation().SetContinuous("agent.speed", [1f]) },
        { "grid", () => GridObservation().SetDiscrete("grid", [0, 1, 0, 2, 0, 3, 0, 0, 1], [9]) },
        { "grid", () => GridObservation().SetDiscrete("grid", [0, 1, 0]) },
        { "grid[5]", () => GridObservation().SetDiscrete("grid", [0, 1, 0, 2, 0, 4, 0, 0, 1]) },
        { "agent.position[1]", () => GridObservation().SetDiscrete("agent.position", [4, -1]) },
        { "agent.energy[0]", () => GridObservation().SetContinuous("agent.energy", [float.NaN]) },
        { "agent.energy[0]", () => GridObservation().SetContinuous("agent.energy", [float.NegativeInfinity]) },
        { "agent.energy", () => GridObservation().SetText("agent.energy", "full") },
    };

    [Theory]
    [MemberData(nameof(BadGridObservations))]
    public void Bad_observations_are_rejected_naming_the_field_and_leave_the_buffer_as_it_was(string field, Func<Observation> observation)
    {
        var buffer = new TokenBuffer();
        var encoder = new TimestepEncoder(GridWorld, space);
        encoder.Encode(GridObservation(), new ActionValues().SetDiscrete("move", [1]), buffer);
        var before = buffer.Ids.ToArray();
        var error = Assert.ThrowsAny<TokenSpaceException>(() => encoder.Encode(observation(), new ActionValues().SetDiscrete("move", [1]), buffer));
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message);
        Assert.Equal(before, buffer.Ids.ToArray());
    }

    public static TheoryData<string, Func<ActionValues>> BadGridActions => new()
    {
        { "action.move", () => new ActionValues() },
        { "action.jump", () => new ActionValues().SetDiscrete("move", [1]).SetDiscrete("jump", [1]) },
        { "action.move[0]", () => new ActionValues().SetDiscrete("move", [7]) },
        { "action.move", () => new ActionValues().SetDiscrete("move", [1, 2]) },
        { "action.move", () => new ActionValues().SetContinuous("move", [1f]) },
    };

    [Theory]
    [MemberData(nameof(BadGridActions))]
    public void Bad_actions_are_rejected_naming_the_field_and_undo_the_whole_timestep(string field, Func<ActionValues> action)
    {
        var buffer = new TokenBuffer();
        var error = Assert.ThrowsAny<TokenSpaceException>(() => new TimestepEncoder(GridWorld, space).Encode(GridObservation(), action(), buffer));
        Assert.Equal(field, error.Field);
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void A_nan_continuous_action_is_rejected()
    {
        var error = Assert.Throws<InvalidValueException>(() => new TimestepEncoder(Arm, space, text.Tokenizer)
            .EncodeAction(new ActionValues().SetContinuous("arm", [0, 0, 0, float.NaN, 0, 0, 0]), new TokenBuffer()));
        Assert.Equal("action.arm[3]", error.Field);
    }

    [Fact]
    public void Empty_text_is_rejected()
    {
        var error = Assert.Throws<TextLengthException>(() => new TimestepEncoder(Arm, space, text.Tokenizer).Encode(ArmObservation(""), null, new TokenBuffer()));
        Assert.Equal("instruction", error.Field);
    }

    [Fact]
    public void Text_over_the_fields_token_limit_is_rejected_and_leaves_no_patches_behind()
    {
        var buffer = new TokenBuffer();
        var longText = string.Join(" ", Enumerable.Repeat("stack the red block on the blue cube", 10));
        var error = Assert.Throws<TextLengthException>(() => new TimestepEncoder(Arm, space, text.Tokenizer).Encode(ArmObservation(longText), null, buffer));
        Assert.Equal("instruction", error.Field);
        Assert.Contains("max_tokens 32", error.Message);
        Assert.Equal(0, buffer.Count);
        Assert.Equal(0, buffer.PatchCount);
    }

    [Fact]
    public void An_observation_over_the_local_position_table_is_rejected()
    {
        var spec = new EmbodimentSpec("wide", [FieldSpec.Continuous("state", 400), FieldSpec.Text("note", 300)], [FieldSpec.Discrete("a", [1])]);
        var observation = new Observation().SetContinuous("state", new float[400])
            .SetText("note", string.Join(" ", Enumerable.Repeat("stack the red block on the blue cube", 8)));
        var error = Assert.Throws<TokenBudgetException>(() => new TimestepEncoder(spec, space, text.Tokenizer).Encode(observation, null, new TokenBuffer()));
        Assert.Equal("note", error.Field);
    }

    [Fact]
    public void An_image_of_the_wrong_size_is_rejected_naming_field_and_size()
    {
        var observation = ArmObservation().SetImage("camera", ImageValue.FromHwc(new byte[16 * 16 * 3], 16, 16));
        var error = Assert.Throws<ImageSizeException>(() => new TimestepEncoder(Arm, space, text.Tokenizer).Encode(observation, null, new TokenBuffer()));
        Assert.Equal("camera", error.Field);
        Assert.Equal("16x16x3", error.Value);
    }

    [Fact]
    public void A_spec_with_text_needs_a_text_model_whose_vocabulary_fits_V()
    {
        Assert.Throws<InvalidValueException>(() => new TimestepEncoder(Arm, space));
        var error = Assert.Throws<InvalidValueException>(() => new TimestepEncoder(Arm, new TokenSpace(TextModel.VocabSize - 1), text.Tokenizer));
        Assert.Equal("text_vocab_size", error.Field);
    }
}
