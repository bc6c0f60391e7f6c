#!/usr/bin/python3
"""Backups made by real Cinder, for the tests of BackupPlatform's Cinder-format import and restore.

Runs Debian's python3-cinder (21.x) as a backup host would: a real Cinder database (sqlite, Cinder's
own migrations), Cinder's own BackupManager (create_backup -> continue_backup -> _finish_backup, then
export_record) and its PosixBackupDriver writing to a directory. Only the hardware is stood in for:
the volume manager's get_backup_device call (answered in-process with the volume itself) and
os-brick's attach, which hands the manager a regular file holding the volume's bytes.

For each compression in --compressions it makes a full backup of a 1 GiB corpus volume, then changes
the volume and makes an incremental backup on top of it. Output, under --out:

  backups/<container>/...        Cinder's objects, exactly as its posix driver wrote them
  volume-full.img                the volume's bytes at the full backup (sparse)
  volume-incremental.img         the volume's bytes at the incremental backup (sparse)
  fixtures.json                  per backup: compression, kind, id, parent id, Cinder's export record
                                 ({"backup_service", "backup_url"}) and the image it must restore to

Usage: /usr/bin/python3 scripts/cinder-backups.py --out DIR [--compressions none,zlib,zstd]
       [--object-size BYTES]   (Cinder's backup_file_size; 8 MiB by default, so a volume spans many objects)
"""

import argparse
import json
import os
import random
import sys
import time

GIB = 1024 ** 3
MIB = 1024 ** 2


def write_corpus(path):
    """A 1 GiB volume: holes, random data (incompressible) and repeated text (compressible), in a few places."""
    rng = random.Random(14)
    text = b''.join(b'line %08d of a volume Cinder backed up\n' % i for i in range(20000))
    with open(path, 'wb') as f:
        f.truncate(GIB)
        for offset, length, kind in [(0, 3 * MIB, 'random'), (3 * MIB + 4096, 2 * MIB, 'text'),
                                     (100 * MIB + 12345, 5 * MIB, 'random'), (600 * MIB, 1 * MIB, 'text'),
                                     (GIB - 2 * MIB, 2 * MIB, 'random')]:
            f.seek(offset)
            f.write(rng.randbytes(length) if kind == 'random' else (text * (length // len(text) + 1))[:length])


def mutate(path):
    """What the incremental must carry: small unaligned writes, one across an object boundary, one into a hole."""
    rng = random.Random(15)
    with open(path, 'r+b') as f:
        for offset, length in [(12345, 1000), (8 * MIB - 20000, 40000), (300 * MIB + 7, 100 * 1024),
                               (GIB - 32768 - 5, 10)]:
            f.seek(offset)
            f.write(rng.randbytes(length))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', required=True)
    parser.add_argument('--compressions', default='none,zlib,zstd')
    parser.add_argument('--object-size', type=int, default=8 * MIB)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, 'backups'), exist_ok=True)
    started = time.monotonic()

    from oslo_config import cfg
    from oslo_log import log as logging
    from oslo_service import loopingcall

    from cinder import context
    from cinder import objects
    objects.register_all()
    from cinder import db
    from cinder.db import migration
    from cinder import rpc
    from cinder.backup import manager as backup_manager
    from cinder.backup.drivers import posix  # noqa: F401  (registers backup_posix_path, backup_file_size)
    from cinder.objects import fields
    from cinder.volume import volume_utils

    CONF = cfg.CONF
    logging.register_options(CONF)
    CONF([], project='cinder', default_config_files=[])
    logging.setup(CONF, 'cinder')
    CONF.set_override('connection', 'sqlite:///' + os.path.join(out, 'cinder.db'), group='database')
    CONF.set_override('backup_driver', 'cinder.backup.drivers.posix.PosixBackupDriver')
    CONF.set_override('backup_posix_path', os.path.join(out, 'backups'))
    CONF.set_override('backup_file_size', args.object_size)
    CONF.set_override('backup_enable_progress_timer', False)
    migration.db_sync()
    # Nothing is sent: get_backup_device is answered in-process and notifications go nowhere.
    rpc.init(CONF)

    ctx = context.get_admin_context()
    ctx.project_id = '0123456789abcdef0123456789abcdef'
    ctx.user_id = 'cinder-fixture'

    manager = backup_manager.BackupManager(host='cinder-fixture', service_name='backup')
    try:
        manager._setup_backup_driver(ctx)  # init_host's check, run here rather than on a looping call
    except loopingcall.LoopingCallDone:
        pass
    if not manager.is_working():
        sys.exit('Cinder backup driver did not initialize')

    # The hardware stand-ins: the volume manager answers get_backup_device with the volume itself
    # (as it does for an available volume), and attaching it yields the image file of the moment.
    image = {'path': None}

    def get_backup_device(context_, backup, volume):
        device = objects.BackupDeviceInfo()
        device.volume = volume
        device.secure_enabled = False
        manager.continue_backup(context_, backup, device)

    manager.volume_rpcapi.get_backup_device = get_backup_device
    manager._attach_device = lambda context_, device, properties, is_snapshot: {'device': {'path': image['path']}}
    manager._detach_device = lambda *a, **k: None
    volume_utils.brick_get_connector_properties = lambda *a, **k: {}

    full_image = os.path.join(out, 'volume-full.img')
    incremental_image = os.path.join(out, 'volume-incremental.img')
    write_corpus(full_image)
    with open(full_image, 'rb') as src, open(incremental_image, 'wb') as dst:
        dst.truncate(GIB)
        while True:
            offset = src.tell()
            block = src.read(MIB)
            if not block:
                break
            if block.count(0) != len(block):
                dst.seek(offset)
                dst.write(block)
    mutate(incremental_image)

    fixtures = []
    for compression in args.compressions.split(','):
        CONF.set_override('backup_compression_algorithm', compression)
        volume = objects.Volume(context=ctx, size=1, status='available', display_name='cinder-corpus-' + compression,
                                display_description='the corpus volume', availability_zone='nova', host='cinder-fixture@posix#posix',
                                project_id=ctx.project_id, user_id=ctx.user_id, metadata={'purpose': 'migration', 'compression': compression})
        volume.create()
        db.volume_glance_metadata_create(ctx, volume.id, 'image_name', 'cirros-fixture')
        parent = None
        for kind, path in [('full', full_image), ('incremental', incremental_image)]:
            t0 = time.monotonic()
            image['path'] = path
            db.volume_update(ctx, volume.id, {'status': 'backing-up', 'previous_status': 'available'})
            # What the API's create does before it casts to the backup manager (cinder/backup/api.py).
            backup = objects.Backup(context=ctx, volume_id=volume.id, status=fields.BackupStatus.CREATING,
                                    display_name='%s-%s' % (kind, compression), display_description='made by Cinder',
                                    user_id=ctx.user_id, project_id=ctx.project_id, container=None, size=volume.size,
                                    host=manager.host, availability_zone='nova', parent_id=parent.id if parent else None,
                                    data_timestamp=None, parent=parent, metadata={})
            backup.create()
            backup.data_timestamp = backup.created_at
            backup.save()
            manager.create_backup(ctx, backup)
            backup.refresh()
            if backup.status != fields.BackupStatus.AVAILABLE:
                sys.exit('Cinder left backup %s %s: %s' % (backup.id, backup.status, backup.fail_reason))
            record = manager.export_record(ctx, backup)
            fixtures.append({'compression': compression, 'kind': kind, 'id': backup.id, 'parent_id': backup.parent_id,
                             'volume_id': volume.id, 'container': backup.container, 'object_prefix': backup.service_metadata,
                             'object_count': backup.object_count, 'image': os.path.basename(path), 'record': record})
            print('%s %s backup %s: %d objects in %.1f s' % (compression, kind, backup.id, backup.object_count, time.monotonic() - t0))
            parent = backup

    with open(os.path.join(out, 'fixtures.json'), 'w') as f:
        json.dump({'cinder': _cinder_version(), 'backups': fixtures}, f, indent=2)
    print('Cinder %s wrote %d backups in %.1f s' % (_cinder_version(), len(fixtures), time.monotonic() - started))


def _cinder_version():
    from cinder import version
    return version.version_info.release_string()


if __name__ == '__main__':
    main()
