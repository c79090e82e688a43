using System.Collections.Concurrent;
using System.Reflection;
using GatoMesh.Grains;

namespace GatoMesh.Silo.Security;

/// <summary>
/// Runs a call to a <see cref="RequiresAdminAttribute"/> method only when the caller presented the
/// cluster's admin credential in the request context (<see cref="AdminCredential"/>); otherwise the
/// call fails with <see cref="AdminCredentialRequiredException"/> before the grain sees it. Every
/// other call passes untouched (docs/RUNTIME.md, "Admin calls").
/// </summary>
internal sealed class AdminCallFilter(AdminKey key) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, bool> RequiresAdminByMethod = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        if (method is not null && RequiresAdminByMethod.GetOrAdd(method, RequiresAdmin)
            && !key.Matches(RequestContext.Get(AdminCredential.RequestContextKey) as string))
            throw new AdminCredentialRequiredException($"{method.DeclaringType?.Name}.{method.Name}");
        return context.Invoke();
    }

    private static bool RequiresAdmin(MethodInfo method) =>
        method.IsDefined(typeof(RequiresAdminAttribute), inherit: false)
        || method.DeclaringType?.IsDefined(typeof(RequiresAdminAttribute), inherit: false) == true;
}
