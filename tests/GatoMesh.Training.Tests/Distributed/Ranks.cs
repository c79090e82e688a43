using GatoMesh.Torch.Distributed;

namespace GatoMesh.Training.Tests;

/// <summary>Runs <c>world</c> ranks of a real Gloo process group (TCPStore on a free loopback port), one
/// thread each, and returns each rank's result in rank order. A rank that throws fails the call; the
/// group's timeout bounds every wait, so a stuck peer ends the test with an error rather than a hang.</summary>
internal static class Ranks
{
    public static T[] Run<T>(int world, Func<ProcessGroup, T> body)
    {
        var port = LoopbackPorts.Free();
        var results = new T[world];
        var errors = new Exception?[world];
        var threads = Enumerable.Range(0, world).Select(rank => new Thread(() =>
        {
            try
            {
                using var group = ProcessGroup.Create("127.0.0.1", port, rank, world, TimeSpan.FromSeconds(60));
                results[rank] = body(group);
            }
            catch (Exception e)
            {
                errors[rank] = e;
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        foreach (var t in threads)
            Assert.True(t.Join(TimeSpan.FromMinutes(3)), "a rank did not finish within 3 minutes");
        var failed = errors.OfType<Exception>().ToList();
        if (failed.Count > 0) throw new AggregateException("a rank failed", failed);
        return results;
    }
}
