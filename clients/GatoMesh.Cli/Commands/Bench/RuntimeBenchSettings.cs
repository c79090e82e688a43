namespace GatoMesh.Cli.Commands.Bench;

internal sealed record RuntimeBenchSettings(int Silos, int Grains, double Seconds)
{
    public void Validate()
    {
        if (Silos < 2) throw new ArgumentOutOfRangeException("--silos", Silos, "--silos must be at least 2 (one is killed)");
        if (Grains < 1) throw new ArgumentOutOfRangeException("--grains", Grains, "--grains must be at least 1");
        if (Seconds <= 0) throw new ArgumentOutOfRangeException("--seconds", Seconds, "--seconds must be positive");
    }
}
