using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Membership;

public sealed class InProcessMembershipTableConformance : MembershipTableConformance
{
    protected override Task<IMembershipTable> CreateTableAsync() =>
        Task.FromResult<IMembershipTable>(new InProcessMembershipTable());
}
