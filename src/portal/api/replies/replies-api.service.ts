import type { Readable } from 'node:stream';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { Message } from '../../../generated/portal-sqlite/client.js';
import { FileTooLargeError } from '../../files/file-store.js';
import { FilesService } from '../../files/files.service.js';
import { ChatsRepository } from '../../open-lines/chats/chats.repository.js';
import { MessagesRepository } from '../../open-lines/messages/messages.repository.js';
import { ChatAccessService } from '../../open-lines/replies/chat-access.service.js';
import { ALL_LINES, type LineScope } from '../../open-lines/replies/line-scope.js';
import { OutgoingMessagesRepository } from '../../open-lines/replies/outgoing-messages.repository.js';
import { ReplyError, RepliesService, type Author } from '../../open-lines/replies/replies.service.js';
import type { Principal } from '../auth/principal.js';
import { UsersRepository } from '../auth/users.repository.js';
import {
  fileIdsOf,
  toFileResponse,
  toMessageResponse,
  type FileMeta,
  type FileResponse,
  type MessageResponse,
} from '../chats/chats.dto.js';
import type { EditRequest, ReplyRequest, UploadQuery } from './replies.dto.js';

/** The REST side of replies: who may act, the author's name, HTTP statuses for refusals. */
@Injectable()
export class RepliesApiService {
  constructor(
    private readonly replies: RepliesService,
    private readonly access: ChatAccessService,
    private readonly chats: ChatsRepository,
    private readonly messages: OutgoingMessagesRepository,
    private readonly users: UsersRepository,
    private readonly files: FilesService,
    private readonly carriers: MessagesRepository,
  ) {}

  async reply(user: Principal, chatId: number, req: ReplyRequest): Promise<MessageResponse> {
    const scope = await this.checkChat(user, chatId);
    await this.checkFiles(scope, req.fileIds);
    const author = await this.author(user);
    return this.respond(() =>
      this.replies.reply({ chatId, author, text: req.text, fileIds: req.fileIds, clientKey: req.clientKey }),
    );
  }

  async markRead(user: Principal, chatId: number): Promise<{ marked: number }> {
    await this.checkChat(user, chatId);
    return { marked: await this.mapErrors(() => this.replies.markRead({ chatId })) };
  }

  async edit(user: Principal, messageId: number, req: EditRequest): Promise<MessageResponse> {
    await this.checkMessage(user, messageId);
    const author = await this.author(user);
    return this.respond(() => this.replies.edit({ messageId, text: req.text, author }));
  }

  async remove(user: Principal, messageId: number): Promise<MessageResponse> {
    await this.checkMessage(user, messageId);
    return this.respond(() => this.replies.remove({ messageId }));
  }

  async resend(user: Principal, messageId: number): Promise<MessageResponse> {
    await this.checkMessage(user, messageId);
    const author = await this.author(user);
    return this.respond(() => this.replies.resend({ messageId, author }));
  }

  async upload(body: unknown, query: UploadQuery): Promise<FileResponse> {
    if (!isReadable(body)) {
      throw new BadRequestException('send the file as the body, Content-Type: application/octet-stream');
    }
    try {
      return toFileResponse(await this.files.storeUpload(body, query));
    } catch (err) {
      if (err instanceof FileTooLargeError) throw new PayloadTooLargeException(err.message);
      throw err;
    }
  }

  /**
   * 404 for a chat the user may not see (as for none), 403 for one they see but may not answer.
   * Returns the user's scope.
   */
  private async checkChat(user: Principal, chatId: number, known?: LineScope): Promise<LineScope> {
    const scope = known ?? (await this.access.scopeOf(user));
    const chat = await this.chats.findInScope({ id: chatId, scope });
    if (!chat) throw new NotFoundException(`chat ${chatId} does not exist`);
    if (!(await this.access.mayAct(user, chat))) {
      throw new ForbiddenException(`chat ${chatId} is not yours to answer`);
    }
    return scope;
  }

  /**
   * A reply may carry a fresh upload (in no message yet) or a file of a message the user sees;
   * any other (another line's, or a deleted message's) is refused as if it did not exist.
   */
  private async checkFiles(scope: LineScope, fileIds: string[]): Promise<void> {
    for (const fileId of fileIds) {
      if (await this.carriers.carriesFile({ fileId, scope })) continue;
      if (await this.carriers.carriesFile({ fileId, scope: ALL_LINES, deletedToo: true })) {
        throw new BadRequestException(`file ${fileId} does not exist`);
      }
    }
  }

  private async checkMessage(user: Principal, messageId: number): Promise<void> {
    const scope = await this.access.scopeOf(user);
    const message = await this.messages.findInScope({ id: messageId, scope });
    if (!message) throw new NotFoundException(`operator message ${messageId} does not exist`);
    await this.checkChat(user, message.chatId, scope);
  }

  private async author(user: Principal): Promise<Author> {
    const row = await this.users.findById(user.userId);
    return { id: user.userId, name: row?.name ?? user.email };
  }

  private async respond(run: () => Promise<Message>): Promise<MessageResponse> {
    const message = await this.mapErrors(run);
    const files = new Map<string, FileMeta>();
    for (const id of fileIdsOf(message)) {
      const file = await this.files.find(id);
      if (file) files.set(id, file);
    }
    return toMessageResponse(message, files);
  }

  private async mapErrors<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof ReplyError)) throw err;
      switch (err.reason) {
        case 'no-chat':
        case 'no-message':
          throw new NotFoundException(err.message);
        case 'no-file':
          throw new BadRequestException(err.message);
        case 'deleted':
        case 'not-failed':
          throw new ConflictException(err.message);
      }
    }
  }
}

function isReadable(body: unknown): body is Readable {
  return typeof (body as { pipe?: unknown } | null)?.pipe === 'function';
}
