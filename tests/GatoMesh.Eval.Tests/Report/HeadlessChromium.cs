using System.Diagnostics;

namespace GatoMesh.Eval.Tests.Report;

/// <summary>Debian's chromium, headless, in a fresh profile, with nothing reaching out of the machine: renders a page
/// to a PNG screenshot or prints its DOM after parsing.</summary>
internal static class HeadlessChromium
{
    const string Program = "/usr/bin/chromium";
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static void Screenshot(string page, string png, int width, int height) =>
        Run(page, $"--screenshot={png}", $"--window-size={width},{height}");

    public static string Dom(string page) => Run(page, "--dump-dom");

    static string Run(string page, params string[] what)
    {
        Assert.True(File.Exists(Program), $"{Program} is missing: build/setup.sh installs Debian's chromium");
        var profile = Directory.CreateTempSubdirectory("gatomesh-chromium-");
        try
        {
            var start = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.FullName}", "--hide-scrollbars",
                     }.Concat(what).Append(new Uri(page).AbsoluteUri))
                start.ArgumentList.Add(argument);
            using var chromium = Process.Start(start)!;
            var output = chromium.StandardOutput.ReadToEndAsync();
            var errors = chromium.StandardError.ReadToEndAsync();
            if (!chromium.WaitForExit(Deadline))
            {
                chromium.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish within {Deadline}");
            }
            Assert.True(chromium.ExitCode == 0, $"chromium exited with {chromium.ExitCode}: {errors.Result}");
            return output.Result;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
