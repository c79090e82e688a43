using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// Pixel go-to: a game read from the screen only, as Catch is, on the same 16x16 board rendered at 4x4 pixels
/// a cell (64x64 RGB, 16 patches). The agent, a green cell, starts anywhere; the goal, a yellow cell, anywhere
/// else. Action <c>move</c> in [0, 5): left, stay, right (Catch's ids for the same moves), up, down; a move
/// into the border does nothing. Reaching the goal ends the episode with reward 1; after <see cref="MaxSteps"/>
/// steps it ends with 0, so the return is the success, as Catch's is. (A reward falling with the steps, as BabyAI's,
/// would make the paper's 80% data filter keep only the goals near the start.) Where Catch asks for one column,
/// this asks for a row and a column.
/// </summary>
public sealed class PixelGotoEnvironment : IEnvironment
{
    public const int Cells = CatchEnvironment.Cells;
    const int CellPixels = CatchEnvironment.ImageSide / Cells;
    public const int ImageSide = CatchEnvironment.ImageSide;
    public const string ScreenKey = "screen";
    public const string MoveKey = "move";
    public const int Moves = 5;

    internal static readonly byte[] AgentColor = [60, 220, 90];
    internal static readonly byte[] GoalColor = [250, 220, 40];

    int agentRow, agentColumn, goalRow, goalColumn, steps;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new("pixel-goto",
        [FieldSpec.Image(ScreenKey, ImageSide, ImageSide)],
        [FieldSpec.Discrete(MoveKey, [1], 0, Moves)]);

    /// <summary>The longest shortest path is 30 moves; 40 leaves a sampled policy room for a few wrong ones.</summary>
    public int MaxSteps => 40;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        var agent = random.NextInt(Cells * Cells);
        var goal = (agent + 1 + random.NextInt(Cells * Cells - 1)) % (Cells * Cells);
        (agentRow, agentColumn, goalRow, goalColumn) = (agent / Cells, agent % Cells, goal / Cells, goal % Cells);
        steps = 0;
        done = false;
        return Observe();
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        var (dx, dy) = ActionReader.Discrete(action, MoveKey, Moves) switch { 0 => (-1, 0), 2 => (1, 0), 3 => (0, -1), 4 => (0, 1), _ => (0, 0) };
        agentColumn = Math.Clamp(agentColumn + dx, 0, Cells - 1);
        agentRow = Math.Clamp(agentRow + dy, 0, Cells - 1);
        steps++;
        var reached = agentRow == goalRow && agentColumn == goalColumn;
        done = reached || steps >= MaxSteps;
        return new StepResult(Observe(), reached ? 1f : 0f, done);
    }

    FieldValues Observe()
    {
        var pixels = new byte[ImageSide * ImageSide * 3];
        Paint(pixels, goalRow, goalColumn, GoalColor);
        Paint(pixels, agentRow, agentColumn, AgentColor);
        return new FieldValues().SetImage(ScreenKey, pixels);
    }

    static void Paint(byte[] pixels, int row, int column, byte[] color)
    {
        for (var y = row * CellPixels; y < (row + 1) * CellPixels; y++)
            for (var x = column * CellPixels; x < (column + 1) * CellPixels; x++)
                color.CopyTo(pixels, (y * ImageSide + x) * 3);
    }

    /// <summary>The cell (row, column) whose top-left pixel has <paramref name="color"/>, or (-1, -1).</summary>
    internal static (int Row, int Column) Find(byte[] pixels, byte[] color)
    {
        for (var row = 0; row < Cells; row++)
            for (var column = 0; column < Cells; column++)
            {
                var i = (row * CellPixels * ImageSide + column * CellPixels) * 3;
                if (pixels[i] == color[0] && pixels[i + 1] == color[1] && pixels[i + 2] == color[2])
                    return (row, column);
            }
        return (-1, -1);
    }

    public void Dispose() { }
}

/// <summary>Reads the agent and the goal from the pixels and closes the column gap first, then the row gap
/// (the order Catch's expert moves in, so left and right mean the same to both).</summary>
public sealed class PixelGotoExpert : IPolicy
{
    public void Reset(ulong seed) { }

    public ActionValues Act(FieldValues observation)
    {
        var pixels = observation.GetImage(PixelGotoEnvironment.ScreenKey);
        var agent = PixelGotoEnvironment.Find(pixels, PixelGotoEnvironment.AgentColor);
        var goal = PixelGotoEnvironment.Find(pixels, PixelGotoEnvironment.GoalColor);
        var move = agent.Row < 0 || goal.Row < 0 ? 1
            : goal.Column != agent.Column ? (goal.Column < agent.Column ? 0 : 2)
            : goal.Row < agent.Row ? 3 : 4;
        return new ActionValues().SetDiscrete(PixelGotoEnvironment.MoveKey, [move]);
    }
}
