using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// A closed square room of <see cref="Side"/> x <see cref="Side"/> floor cells (the walls around it
/// are implicit) with a few coloured objects, no two of the same type and colour so every name is
/// unambiguous, and optionally an agent with a facing direction. Shared by the grid-world task and
/// the captioned scenes.
/// </summary>
public sealed class GridRoom
{
    public const int Side = 6;

    /// <summary>Direction offsets: 0 east (+x), 1 south (+y), 2 west, 3 north; turning right adds 1.</summary>
    static readonly (int Dx, int Dy)[] Directions = [(1, 0), (0, 1), (-1, 0), (0, -1)];

    readonly List<GridObject> objects;

    GridRoom(List<GridObject> objects, int agentX, int agentY, int direction)
    {
        this.objects = objects;
        AgentX = agentX;
        AgentY = agentY;
        Direction = direction;
    }

    public IReadOnlyList<GridObject> Objects => objects;
    public int AgentX { get; private set; }
    public int AgentY { get; private set; }
    public int Direction { get; private set; }

    /// <summary>A room with <paramref name="count"/> distinct objects and an agent, on distinct
    /// cells, drawn from <paramref name="random"/>.</summary>
    public static GridRoom Generate(SeededRandom random, int count)
    {
        var cells = Enumerable.Range(0, Side * Side).ToList();
        Shuffle(cells, random);
        var kinds = (from type in Enum.GetValues<ObjectType>() from color in Enum.GetValues<ObjectColor>() select (type, color)).ToList();
        Shuffle(kinds, random);
        var objects = new List<GridObject>(count);
        for (var i = 0; i < count; i++)
            objects.Add(new GridObject(kinds[i].type, kinds[i].color, cells[i] % Side, cells[i] / Side));
        return new GridRoom(objects, cells[count] % Side, cells[count] / Side, random.NextInt(4));
    }

    public (int X, int Y) Front => (AgentX + Directions[Direction].Dx, AgentY + Directions[Direction].Dy);

    public static bool Inside(int x, int y) => x >= 0 && y >= 0 && x < Side && y < Side;

    public int ObjectAt(int x, int y) => objects.FindIndex(o => o.X == x && o.Y == y);

    public void TurnLeft() => Direction = (Direction + 3) % 4;
    public void TurnRight() => Direction = (Direction + 1) % 4;

    /// <summary>Steps forward unless a wall or an object is in the way.</summary>
    public void Forward()
    {
        var (x, y) = Front;
        if (Inside(x, y) && ObjectAt(x, y) < 0)
            (AgentX, AgentY) = (x, y);
    }

    public void Remove(int index) => objects.RemoveAt(index);

    /// <summary>Side of the egocentric view: 2 Side - 1 cells, so the whole room is in view wherever the
    /// agent stands.</summary>
    public const int View = 2 * Side - 1;

    /// <summary>Ids of the egocentric view: 0 an empty floor cell (and the agent's own), 1 outside the
    /// room (wall), then one id per object type and colour (<see cref="ViewId"/>); <see cref="ViewIds"/> in all.</summary>
    public const int EmptyId = 0, WallId = 1;

    // Before ViewIds: static fields initialize in the order they are written.
    static readonly int Colors = Enum.GetValues<ObjectColor>().Length;

    public static readonly int ViewIds = 2 + Enum.GetValues<ObjectType>().Length * Colors;

    /// <summary>The view id of <paramref name="o"/>: 2 + (type - 1) * 6 + (colour - 1).</summary>
    public static int ViewId(GridObject o) => 2 + ((int)o.Type - 1) * Colors + ((int)o.Color - 1);

    /// <summary>
    /// The symbolic observation, egocentric as BabyAI's: [View, View] row-major, the agent in the middle
    /// of the bottom half facing up. Row r is <c>Side - 1 - r</c> cells ahead of the agent (negative:
    /// behind), column c is <c>c - (Side - 1)</c> cells to its right. One token a cell, so "the red
    /// ball is two ahead and one to the left" is where its token is, whatever way the agent faces.
    /// </summary>
    public int[] Egocentric()
    {
        var view = new int[View * View];
        var (fx, fy) = Directions[Direction];
        var (rx, ry) = Directions[(Direction + 1) % 4];
        for (var r = 0; r < View; r++)
            for (var c = 0; c < View; c++)
            {
                var (ahead, right) = (Side - 1 - r, c - (Side - 1));
                var (x, y) = (AgentX + ahead * fx + right * rx, AgentY + ahead * fy + right * ry);
                view[r * View + c] = !Inside(x, y) ? WallId : ObjectAt(x, y) is var i and >= 0 ? ViewId(objects[i]) : EmptyId;
            }
        return view;
    }

    static void Shuffle<T>(List<T> items, SeededRandom random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public static (int Dx, int Dy) Offset(int direction) => Directions[direction];
}
