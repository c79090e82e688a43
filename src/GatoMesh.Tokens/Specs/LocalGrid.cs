namespace GatoMesh.Tokens;

/// <summary>
/// A 2-D discrete observation field (a symbolic grid such as the grid world's view) whose tokens take the
/// local positions <c>[Start, Start + Rows * Columns)</c> of every timestep, row-major: cell (r, c) at
/// <c>Start + r * Columns + c</c>. Only a field every earlier field of which has a fixed token count has one
/// (text before it would move it). The trainer starts these local-position rows on a row + column lattice
/// (docs/MODEL.md, "Initialization").
/// </summary>
public readonly record struct LocalGrid(int Start, int Rows, int Columns)
{
    public int End => Start + Rows * Columns;

    public bool Overlaps(LocalGrid other) => Start < other.End && other.Start < End;
}
