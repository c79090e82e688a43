namespace GatoMesh.Fleet.Tests;

public class FleetTasksTests
{
    [Fact]
    public void Every_task_of_the_fleet_resolves_by_name_and_observes_exactly_its_specs_fields()
    {
        foreach (var name in FleetTasks.Names.Where(n => n is "synthetic" or "catch" or "gridworld" or "arm7"))
        {
            using var environment = FleetTasks.Get(name)();
            var observation = environment.Reset(1);
            Assert.Equal(environment.Spec.Observation.Select(f => f.Key).Order(), observation.Keys.Order());
        }
        Assert.Equal(["synthetic", "catch", "pixel-goto", "gridworld", "cartpole-swingup", "cartpole-balance", "reacher", "point-mass", "caption", "arm7"], FleetTasks.Names);
    }
}
