using GatoMesh.Torch;

namespace GatoMesh.Torch.Tests;

public class DisposeScopeTests
{
    [Fact]
    public void Tensors_created_in_a_scope_are_disposed_with_it_unless_moved_out()
    {
        Tensor inner, kept, outerOwned;
        using (var outer = DisposeScope.Begin())
        {
            using (var scope = DisposeScope.Begin())
            {
                inner = Tensor.Zeros([2]);
                kept = Tensor.Ones([2]).DetachFromScope();
                outerOwned = Tensor.Ones([3]).MoveToOuterScope();
                Assert.Equal(1, scope.Count);
            }
            Assert.True(inner.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.False(outerOwned.IsDisposed);
            Assert.Equal(1, outer.Count);
        }
        Assert.True(outerOwned.IsDisposed);
        Assert.False(kept.IsDisposed);
        kept.Dispose();
    }

    [Fact]
    public async Task A_scope_follows_the_async_flow_across_awaits_and_threads()
    {
        var created = new List<Tensor>();
        using (var scope = DisposeScope.Begin())
        {
            for (var i = 0; i < 20; i++)
            {
                await Task.Yield(); // resumes on an arbitrary thread-pool thread
                created.Add(Tensor.Zeros([1]));
                created.Add(await Task.Run(() => Tensor.Ones([1]))); // a child task inherits the scope
            }
            Assert.Equal(40, scope.Count);
        }
        Assert.All(created, t => Assert.True(t.IsDisposed));
    }

    [Fact]
    public async Task Concurrent_flows_do_not_see_each_others_scopes()
    {
        var ready = new TaskCompletionSource();
        var flowA = Task.Run(async () =>
        {
            using var scope = DisposeScope.Begin();
            await ready.Task;
            return scope.Count;
        });
        var flowB = Task.Run(() =>
        {
            using var t = Tensor.Zeros([1]); // no scope in this flow
            ready.SetResult();
        });
        await flowB;
        Assert.Equal(0, await flowA);
    }
}
