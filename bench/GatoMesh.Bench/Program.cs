using GatoMesh.Bench;

// One benchmark per first argument; each writes its results under bench/results/.
return args.FirstOrDefault() switch
{
    "tokens" => TokensBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run --project bench/GatoMesh.Bench -c Release -- tokens [--seconds S] [--out FILE]");
    return 2;
}
