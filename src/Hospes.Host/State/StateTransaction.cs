using System.Globalization;
using System.Text.Json;
using Hospes.Core.Json;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>The writes a multi-row change makes inside one SQLite transaction.</summary>
internal sealed class StateTransaction(SqliteConnection connection, SqliteTransaction transaction, StatePaths paths)
{
    /// <summary>Inserts a VM row; false if its name or uuid is taken.</summary>
    public bool TryInsertVm(VmRecord vm)
    {
        using SqliteCommand cmd = Command("""
            INSERT INTO vms (uuid, name, spec, state, domid, pid, machine, accel, save_path, last_error, crash_count, created_at, started_at, qemu_uid, project, ram_file)
            VALUES ($uuid, $name, $spec, $state, $domid, $pid, $machine, $accel, $save, $error, $crashes, $created, $started, $uid, $project, $ram)
            """);
        StateDb.Bind(cmd, vm, paths);
        return TryExecute(cmd);
    }

    public void DeleteVm(Guid uuid)
    {
        using SqliteCommand cmd = Command("DELETE FROM vms WHERE uuid = $uuid");
        cmd.Parameters.AddWithValue("$uuid", uuid.ToString());
        cmd.ExecuteNonQuery();
    }

    /// <summary>Inserts a volume and returns it with its id; null if its path or kind+name is taken.</summary>
    public VolumeRecord? TryInsertVolume(VolumeRecord v)
    {
        using SqliteCommand cmd = Command("""
            INSERT INTO volumes (kind, name, path, format, virtual_size, backing_id, vm, template, checksum, created_at, project)
            VALUES ($kind, $name, $path, $format, $size, $backing, $vm, $template, $checksum, $created, $project);
            SELECT last_insert_rowid();
            """);
        cmd.Parameters.AddWithValue("$kind", v.Kind.ToString());
        cmd.Parameters.AddWithValue("$name", v.Name);
        cmd.Parameters.AddWithValue("$path", paths.Stored(v.Path));
        cmd.Parameters.AddWithValue("$format", v.Format);
        cmd.Parameters.AddWithValue("$size", v.VirtualSize);
        cmd.Parameters.AddWithValue("$backing", (object?)v.BackingId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$vm", v.Vm is { } vm ? vm.ToString() : DBNull.Value);
        cmd.Parameters.AddWithValue("$template", (object?)v.Template ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$checksum", (object?)v.Checksum ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$created", v.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$project", v.Project);
        try
        {
            long id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            return v with { Id = id };
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return null;
        }
    }

    public void UpdateVolume(VolumeRecord v)
    {
        using SqliteCommand cmd = Command("UPDATE volumes SET virtual_size = $size, vm = $vm, checksum = $checksum WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", v.Id);
        cmd.Parameters.AddWithValue("$size", v.VirtualSize);
        cmd.Parameters.AddWithValue("$vm", v.Vm is { } vm ? vm.ToString() : DBNull.Value);
        cmd.Parameters.AddWithValue("$checksum", (object?)v.Checksum ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Points a volume at another backing volume (a fork point puts a base under a disk: issue 16).</summary>
    public void SetVolumeBacking(long id, long? backingId)
    {
        using SqliteCommand cmd = Command("UPDATE volumes SET backing_id = $backing WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$backing", (object?)backingId ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    public void DeleteVolume(long id)
    {
        using SqliteCommand cmd = Command("DELETE FROM volumes WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", id);
        cmd.ExecuteNonQuery();
    }

    public bool TryInsertTemplate(TemplateRecord t)
    {
        using SqliteCommand cmd = Command("""
            INSERT INTO templates (name, spec, source_vm, ready_marker, created_at, project) VALUES ($name, $spec, $source, $marker, $created, $project)
            """);
        cmd.Parameters.AddWithValue("$name", t.Name);
        cmd.Parameters.AddWithValue("$spec", JsonSerializer.Serialize(paths.Stored(t.Spec), HospesJson.Options));
        cmd.Parameters.AddWithValue("$source", (object?)t.SourceVm ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$marker", (object?)t.ReadyMarker ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$created", t.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$project", t.Project);
        return TryExecute(cmd);
    }

    public void DeleteTemplate(string name)
    {
        using SqliteCommand cmd = Command("DELETE FROM templates WHERE name = $name");
        cmd.Parameters.AddWithValue("$name", name);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        SqliteCommand cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        return cmd;
    }

    private static bool TryExecute(SqliteCommand cmd)
    {
        try
        {
            cmd.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return false; // SQLITE_CONSTRAINT
        }
    }
}
