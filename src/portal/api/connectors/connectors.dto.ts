import { z } from 'zod';
import { connectorStatusResponse } from '../lines/lines.dto.js';

/** One connection parameter the channel wizard asks for. */
export const connectorParamResponse = z.object({
  name: z.string().describe('Key in the saveSettings params object'),
  label: z.string(),
  secret: z.boolean().describe('Shown as a password field; never echoed back'),
  required: z.boolean(),
  hint: z.string().optional(),
});
export type ConnectorParamResponse = z.output<typeof connectorParamResponse>;

export const connectorTypeResponse = z.object({
  id: z.string().describe('The real connector id, as sent in OLP packets'),
  name: z.string(),
  description: z.string(),
  params: z.array(connectorParamResponse),
});
export type ConnectorTypeResponse = z.output<typeof connectorTypeResponse>;

/** The channels the wizard offers, with what each one's saveSettings needs. */
export const CONNECTOR_TYPES = [
  {
    id: 'telegrambot',
    name: 'Telegram bot',
    description: 'Customers write to your Telegram bot; create one with @BotFather.',
    params: [
      {
        name: 'token',
        label: 'Bot token',
        secret: true,
        required: true,
        hint: '123456:ABC-DEF… from @BotFather',
      },
    ],
  },
  {
    id: 'botframework',
    name: 'Microsoft Bot Framework',
    description: 'One Azure bot for Teams, Skype, Slack, Web Chat and the other Bot Framework channels.',
    params: [
      { name: 'app_id', label: 'Microsoft App ID', secret: false, required: true },
      { name: 'app_password', label: 'App password (client secret)', secret: true, required: true },
    ],
  },
  {
    id: 'livechat',
    name: 'Live chat',
    description: 'A chat widget on your own website, served by the connector server.',
    params: [
      { name: 'title', label: 'Widget title', secret: false, required: false, hint: 'Shown to visitors' },
    ],
  },
] as const satisfies readonly ConnectorTypeResponse[];

export const connectorId = z.enum(CONNECTOR_TYPES.map((c) => c.id));

export const setupRequest = z.object({
  params: z
    .record(z.string().min(1).max(64), z.string().max(4096))
    .describe('Connection parameters, passed to saveSettings as they are'),
});
export type SetupRequest = z.output<typeof setupRequest>;

export const SETUP_STEPS = ['saveSettings', 'testConnect', 'register'] as const;
export type SetupStepName = (typeof SETUP_STEPS)[number] | 'unregister';

export const setupStepResponse = z.object({
  step: z.enum([...SETUP_STEPS, 'unregister']),
  ok: z.boolean(),
  data: z.unknown().describe("The connector server's answer (data) when the step succeeded"),
  error: z
    .object({ code: z.string(), message: z.string() })
    .nullable()
    .describe('Why the step failed: the server error code, or UNREACHABLE / TIMEOUT'),
});
export type SetupStepResponse = z.output<typeof setupStepResponse>;

export const setupResponse = z.object({
  ok: z.boolean().describe('Every step succeeded'),
  steps: z.array(setupStepResponse).describe('The steps run, in order; the first failure stops the rest'),
  status: connectorStatusResponse,
});
export type SetupResponse = z.output<typeof setupResponse>;
