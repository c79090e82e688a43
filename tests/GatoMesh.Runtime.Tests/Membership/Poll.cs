namespace GatoMesh.Runtime.Tests.Membership;

/// <summary>Waits for a condition with a deadline; fails the test naming what never happened.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        var end = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > end)
                Assert.Fail($"not within {deadline.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var end = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > end)
                Assert.Fail($"not within {deadline.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }
}
