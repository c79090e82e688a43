using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// A language-conditioned grid world in the spirit of BabyAI's GoToObj and PickupLoc levels: a
/// 6x6 room with three or four coloured balls, keys and boxes and a mission such as "go to the red
/// ball" or "pick up the blue key". Observation: <c>grid</c> (discrete [11, 11]: the room seen from the
/// agent, facing up, one id per cell: see <see cref="GridRoom.Egocentric"/>) and <c>mission</c> (text).
/// Fields are encoded in key order, so the grid comes first and the mission's words, which the loss
/// trains, are predicted from the room: learning which object the mission's colour and type name
/// is then part of the text loss, not only of the action's (docs/ENVS.md, "Grid world"). Action <c>command</c> in [0, 4): turn left, turn right, forward,
/// pick up. A go-to mission succeeds when the agent faces the object; a pick-up mission when it
/// picks the object up. Picking up any other object fails the episode. Reward as BabyAI:
/// <c>1 - 0.9 * steps / MaxSteps</c> on success, 0 otherwise.
/// </summary>
public sealed class GridWorldEnvironment : IEnvironment
{
    public const int TurnLeft = 0, TurnRight = 1, Forward = 2, PickUp = 3;
    public const string MissionKey = "mission", GridKey = "grid", CommandKey = "command";

    GridRoom room = GridRoom.Generate(new SeededRandom(0), 3);
    int steps;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new("gridworld",
        [
            FieldSpec.Text(MissionKey, maxTokens: 32),
            FieldSpec.Discrete(GridKey, [GridRoom.View, GridRoom.View], 0, GridRoom.ViewIds),
        ],
        [FieldSpec.Discrete(CommandKey, [1], 0, 4)]);

    public int MaxSteps => 64;

    public Mission Mission { get; private set; } = new(false, ObjectType.Ball, ObjectColor.Red);
    internal GridRoom Room => room;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        // Redraw until the target can be reached; the draws continue one stream, so the result
        // still depends on the seed alone.
        while (true)
        {
            room = GridRoom.Generate(random, 3 + random.NextInt(2));
            var target = room.Objects[random.NextInt(room.Objects.Count)];
            Mission = new Mission(random.NextInt(2) == 1, target.Type, target.Color);
            // An agent already facing its target would have nothing to learn from the episode.
            if (GridPlanner.PathToFace(room, target.X, target.Y) is { Count: > 0 })
                break;
        }
        steps = 0;
        done = false;
        return Observe();
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        var command = ActionReader.Discrete(action, CommandKey, 4);
        steps++;
        var success = false;
        switch (command)
        {
            case TurnLeft: room.TurnLeft(); break;
            case TurnRight: room.TurnRight(); break;
            case Forward: room.Forward(); break;
            default:
                var (x, y) = room.Front;
                var index = GridRoom.Inside(x, y) ? room.ObjectAt(x, y) : -1;
                if (index >= 0)
                {
                    success = Mission.PickUp && Mission.Names(room.Objects[index]);
                    done = true;
                    room.Remove(index);
                }
                break;
        }
        if (!Mission.PickUp && !done)
        {
            var (x, y) = room.Front;
            var index = GridRoom.Inside(x, y) ? room.ObjectAt(x, y) : -1;
            success = index >= 0 && Mission.Names(room.Objects[index]);
        }
        done |= success || steps >= MaxSteps;
        var reward = success ? 1f - 0.9f * steps / MaxSteps : 0f;
        return new StepResult(Observe(), reward, done);
    }

    FieldValues Observe() => new FieldValues()
        .SetText(MissionKey, Mission.Text)
        .SetDiscrete(GridKey, room.Egocentric());

    public void Dispose() { }
}
