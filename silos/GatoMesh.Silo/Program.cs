// The silo process (`gatomesh silo` runs the same): see SiloProcess.cs for its options and exit codes.
return await GatoMesh.Silo.SiloProcess.RunAsync(args);
