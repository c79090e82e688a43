using GatoMesh.Data;

namespace GatoMesh.Envs;

/// <summary>Runs one episode of a policy in an environment and records it.</summary>
public static class Rollout
{
    public static EpisodeRecord Run(string task, IEnvironment environment, IPolicy policy, ulong seed)
    {
        var observation = environment.Reset(seed);
        policy.Reset(seed);
        var steps = new List<RecordedStep>(environment.MaxSteps);
        for (var t = 0; t < environment.MaxSteps; t++)
        {
            var action = policy.Act(observation);
            var result = environment.Step(action);
            var recorded = (policy as IRecordsOtherAction)?.Recorded ?? action;
            steps.Add(new RecordedStep(observation, FieldValues.FromAction(environment.Spec, recorded), result.Reward));
            observation = result.Observation;
            if (result.Done)
                break;
        }
        return new EpisodeRecord(task, seed, steps);
    }
}
