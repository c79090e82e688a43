namespace GatoMesh.Eval;

/// <summary>The colour each task's series has in every plot of the report and the loss-curve PNG (its index among
/// the tasks).</summary>
public static class SeriesColors
{
    static readonly (byte R, byte G, byte B)[] Palette =
    [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
        (188, 189, 34), (23, 190, 207),
    ];

    public static (byte R, byte G, byte B) Of(int series) => Palette[series % Palette.Length];

    public static string Css(int series) => $"rgb({Of(series).R},{Of(series).G},{Of(series).B})";
}
