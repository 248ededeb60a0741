using Hospes.Core.Errors;

namespace Hospes.Host.Migration;

/// <summary>Finds a migration's destination by its name on this host (a host `hospes host add` made known).</summary>
internal interface IMigrationTargets
{
    Result<IMigrationTarget> Find(string name);
}
