using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// `hospes dump-core NAME FILE` (xl's dump-core): the guest's memory as an ELF core (QMP dump-guest-memory; crash and
/// gdb read it). hospesd makes the file and hands it to QEMU, which may run as a uid that cannot write there.
/// </summary>
internal sealed class DumpCoreCommand(string path) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Monitor;

    public override string? Verb => "dump the core of";

    public static HospesError? CheckPath(string path)
    {
        if (!Path.IsPathFullyQualified(path))
        {
            return HospesError.Invalid($"dump-core: '{path}' is not an absolute path; give the core file's full path on the host");
        }

        if (Path.Exists(path))
        {
            return HospesError.Conflict($"dump-core: {path} exists; remove it or choose another file");
        }

        return Directory.Exists(Path.GetDirectoryName(path))
            ? null
            : HospesError.Invalid($"dump-core: the folder of {path} does not exist; create it first");
    }

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        if (CheckPath(path) is { } refused)
        {
            return refused;
        }

        IQmp qmp = vm.Qmp!;
        bool created = false;
        bool done = false;
        try
        {
            // The guest's memory holds its secrets: the core is readable by hospesd's user only.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using (var file = new FileStream(path, options))
            {
                created = true;
                long fdSet = await qmp.AddFdAsync(file.SafeFileHandle, "dump-core", ct).ConfigureAwait(false);
                try
                {
                    // Synchronous (detach = false): QEMU answers once the core is written; the guest pauses meanwhile.
                    await qmp.ExecuteAsync("dump-guest-memory", new JsonObject { ["paging"] = false, ["protocol"] = "file:" + QmpFiles.FdSetPath(fdSet) }, logged: true, timeout: TimeSpan.FromMinutes(10), ct: ct).ConfigureAwait(false);
                }
                finally
                {
                    await qmp.RemoveFdSetAsync(fdSet, CancellationToken.None).ConfigureAwait(false);
                }
            }

            done = true;
            return vm.Record;
        }
        catch (QmpException e)
        {
            return HospesError.Conflict($"QEMU could not dump the core of {vm.Name} to {path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Invalid($"dump-core: cannot write {path}: {e.Message}; choose a file in a folder hospesd may write to");
        }
        finally
        {
            // Only a file this command made goes: one that appeared meanwhile is someone else's.
            if (created && !done)
            {
                File.Delete(path);
            }
        }
    }
}
