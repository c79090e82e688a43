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

    /// <summary>The symbolic observation: [Side, Side, 2] row-major (y, x, channel), channel 0 the
    /// type id (0 empty, 1-3 objects, 4 the agent), channel 1 the colour id (0 for none).</summary>
    public int[] Symbolic()
    {
        var grid = new int[Side * Side * 2];
        foreach (var o in objects)
        {
            grid[(o.Y * Side + o.X) * 2] = (int)o.Type;
            grid[(o.Y * Side + o.X) * 2 + 1] = (int)o.Color;
        }
        grid[(AgentY * Side + AgentX) * 2] = AgentId;
        return grid;
    }

    public const int AgentId = 4;

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
