namespace GatoMesh.Envs;

/// <summary>A task's reference returns under the paper's rule, over <see cref="Episodes"/>
/// episodes of each policy with seeds <c>[FirstSeed, FirstSeed + Episodes)</c>.</summary>
public sealed record TaskScores(string Task, double Expert, double Random, int Episodes, ulong FirstSeed)
{
    public double Normalize(double score) => PaperScore.Normalize(score, Random, Expert);

    /// <summary>Runs the task's expert and random policy and applies <see cref="PaperScore"/>.</summary>
    public static TaskScores Measure(EnvironmentTask task, int episodes, ulong firstSeed)
    {
        using var environment = task.CreateEnvironment();
        var expert = task.CreateExpert(environment);
        var random = task.CreateRandom(environment);
        var expertReturns = new double[episodes];
        var randomReturns = new double[episodes];
        for (var i = 0; i < episodes; i++)
        {
            expertReturns[i] = Rollout.Run(task.Name, environment, expert, firstSeed + (ulong)i).Return;
            randomReturns[i] = Rollout.Run(task.Name, environment, random, firstSeed + (ulong)i).Return;
        }
        return new TaskScores(task.Name, PaperScore.ExpertReturn(expertReturns), PaperScore.RandomReturn(randomReturns), episodes, firstSeed);
    }
}
