namespace GatoMesh.Bench.Serving;

/// <summary>
/// The largest load that still meets a goal, when meeting it is monotone in the load: double from
/// <c>start</c> until a probe fails (or <c>limit</c> is reached), then bisect between the last load
/// that met the goal and the first that did not, until they are within <c>resolution</c> (a fraction
/// of the good load). Each probe is a real run, so the number of probes is kept to about
/// log2(limit / start) + log2(1 / resolution).
/// </summary>
internal static class GoodputSearch
{
    public static async Task<(int Best, List<(int Load, bool Met)> Probes)> FindAsync(
        int start, int limit, double resolution, Func<int, Task<bool>> meets)
    {
        var probes = new List<(int, bool)>();
        async Task<bool> Probe(int load)
        {
            var met = await meets(load);
            probes.Add((load, met));
            return met;
        }

        var good = 0;
        var bad = limit + 1;
        for (var load = start; ; load = Math.Min(load * 2, limit))
        {
            if (await Probe(load))
                good = load;
            else
            {
                bad = load;
                break;
            }
            if (load == limit)
                return (good, probes);
        }
        while (bad - good > Math.Max(1, (int)(good * resolution)))
        {
            var middle = good + (bad - good) / 2;
            if (await Probe(middle))
                good = middle;
            else
                bad = middle;
        }
        return (good, probes);
    }
}
