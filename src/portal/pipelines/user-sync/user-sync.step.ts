import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { OlpFile } from '../../../protocol/index.js';
import { FilesService } from '../../files/files.service.js';
import { canonicalMd5 } from '../canonical-hash.js';
import type { MessageContext, PipelineStep } from '../pipeline.js';
import { ExternalUsersRepository } from './external-users.repository.js';
import { userFields } from './user-fields.js';

/**
 * Step 1: finds or creates the customer (external_users, keyed "connector|user id" with the full
 * virtual connector id) and sets ctx.userId. The user is rewritten only when the MD5 of its
 * canonical form changed, as in the seed; the avatar is then downloaded through the file pipeline.
 */
@Injectable()
export class UserSyncStep implements PipelineStep {
  readonly name = 'user-sync';
  private readonly logger = new Logger(UserSyncStep.name);

  constructor(
    private readonly users: ExternalUsersRepository,
    private readonly files: FilesService,
    private readonly clock: Clock,
  ) {}

  async run(ctx: MessageContext): Promise<void> {
    const { user } = ctx.message;
    const key = `${ctx.connector}|${user.id}`;
    const dataHash = canonicalMd5(user);
    const existing = await this.users.findByKey(key);
    if (existing?.dataHash === dataHash) {
      ctx.userId = existing.id;
      return;
    }
    const avatarFileId =
      (user.picture && (await this.avatar(user.picture))) || existing?.avatarFileId || null;
    ctx.userId = await this.users.save(
      {
        key,
        connector: ctx.connector,
        externalId: user.id,
        ...userFields(ctx.connector, user),
        avatarFileId,
        dataHash,
      },
      this.clock.now(),
    );
  }

  /**
   * One attempt, and any failure only logged: an avatar is not worth delaying or failing the
   * message. The user's hash is stored anyway, so a broken avatar is tried again only when the
   * channel sends changed user data.
   */
  private async avatar(picture: OlpFile): Promise<string | null> {
    try {
      const result = await this.files.download(picture, { attempts: 1 });
      if (result.ok) return result.file.id;
      this.logger.warn(`avatar not downloaded: ${result.error.message}`);
    } catch (err) {
      this.logger.warn(`avatar not downloaded: ${(err as Error).message}`);
    }
    return null;
  }
}
