namespace GatoMesh.Envs;

/// <summary>Object types of the grid world; the value is the id in the symbolic grid's first
/// channel (0 is an empty cell, 4 the agent).</summary>
public enum ObjectType { Ball = 1, Key = 2, Box = 3 }

/// <summary>Object colours, BabyAI's six; the value is the id in the grid's second channel
/// (0: none).</summary>
public enum ObjectColor { Red = 1, Green = 2, Blue = 3, Purple = 4, Yellow = 5, Grey = 6 }

/// <summary>One object on the floor of the room.</summary>
public readonly record struct GridObject(ObjectType Type, ObjectColor Color, int X, int Y)
{
    /// <summary>"red ball": how missions and captions name it.</summary>
    public string Name => $"{Color.ToString().ToLowerInvariant()} {Type.ToString().ToLowerInvariant()}";
}
