using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Tree;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>The database's own checkpoints (signed tree heads): numbering, signatures, and what each signed against the chain.</summary>
internal sealed partial class ChainWalk
{
    private void Checkpoints(long position, long seq)
    {
        while (_checkpointIndex < checkpoints.Count && checkpoints[_checkpointIndex].Position <= position)
        {
            var cp = checkpoints[_checkpointIndex++];
            CheckSignature(cp);
            if (cp.Position < position)
            {
                Add(new IntegrityBreak(IntegrityBreakKind.CheckpointMismatch, cp.Position, cp.Sequence, null, null, null, null, cp.Number,
                    $"Checkpoint #{cp.Number} covers chain position {cp.Position}, which the chain no longer has."));
            }
            else if (cp.Sequence != seq || !cp.EntryHash.AsSpan().SequenceEqual(_storedEntry))
            {
                Add(new IntegrityBreak(IntegrityBreakKind.CheckpointMismatch, cp.Position, seq, null, null, null, null, cp.Number,
                    $"Checkpoint #{cp.Number} signed entry hash {Convert.ToHexStringLower(cp.EntryHash)[..16]}… at position {cp.Position} " +
                    $"(seq {cp.Sequence}), but the chain now has {Convert.ToHexStringLower(_storedEntry)[..16]}… (seq {seq}) there: " +
                    "the chain was rewritten after the checkpoint."));
            }
            else if (cp.RootHash is { } signedRoot && _tree.Size == position && !_tree.Root().AsSpan().SequenceEqual(signedRoot))
            {
                Add(new IntegrityBreak(IntegrityBreakKind.CheckpointMismatch, cp.Position, seq, null, null, null, null, cp.Number,
                    $"Tree head #{cp.Number} signed the Merkle root {Convert.ToHexStringLower(signedRoot)[..16]}… of the first {cp.Position} " +
                    $"entries, but the stored events give {Convert.ToHexStringLower(_tree.Root())[..16]}…: the log was rewritten."));
            }
        }
    }

    private void CheckSignature(Checkpoint cp)
    {
        CheckpointsChecked++;
        var expectedNumber = (_lastCheckpointNumber ?? 0) + 1;
        if (cp.Number != expectedNumber || (cp.Position <= _lastCheckpointPosition && _lastCheckpointNumber is not null))
        {
            Add(new IntegrityBreak(IntegrityBreakKind.CheckpointMismatch, cp.Position, cp.Sequence, null, null, null, null, cp.Number,
                cp.Number != expectedNumber
                    ? $"Checkpoint #{cp.Number} follows #{expectedNumber - 1}: checkpoints were deleted or renumbered."
                    : $"Checkpoint #{cp.Number} covers position {cp.Position}, not beyond #{_lastCheckpointNumber} at {_lastCheckpointPosition}."));
        }

        _lastCheckpointNumber = cp.Number;
        _lastCheckpointPosition = cp.Position;
        var check = cp.EntryHash.Length == EntryEncoding.HashLength
            ? trust.Verify(cp.KeyId, CheckpointText.For(cp), cp.Signature)
            : SignatureCheck.Invalid;
        if (check != SignatureCheck.Valid)
        {
            Add(new IntegrityBreak(IntegrityBreakKind.CheckpointSignatureInvalid, cp.Position, cp.Sequence, null, null, null, null, cp.Number,
                check == SignatureCheck.UnknownKey
                    ? $"Checkpoint #{cp.Number} names signing key {cp.KeyId[..Math.Min(16, cp.KeyId.Length)]}…, which this console does not trust " +
                      "(not the configured key, nor one in Audit:TrustedPublicKeyFiles)."
                    : $"Checkpoint #{cp.Number}'s signature does not verify with key {cp.KeyId[..Math.Min(16, cp.KeyId.Length)]}…: " +
                      "the checkpoint or its signature was altered."));
        }
    }

}
